//! The command-line definition: the single source for help, completions and man pages.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::name::ServiceName;

/// Keep MFA backup codes in an age-encrypted vault and hand each one out once.
///
/// bcode imports the backup (recovery) codes a service gives you, keeps them in
/// an age-encrypted vault on this machine, hands out the next unused code and
/// records it as used, warns before a set runs out, and prints a paper copy.
#[derive(Debug, Parser)]
#[command(name = "bcode", version, max_term_width = 100)]
#[command(after_long_help = AFTER_HELP)]
pub struct Cli {
    /// The vault folder [default: ~/.local/share/bcode]
    #[arg(long, global = true, env = "BCODE_DIR", value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

const AFTER_HELP: &str = "\
Examples:
  bcode init                          create the vault (asks for a passphrase twice)
  bcode add github < codes.txt        import the codes GitHub gave you
  bcode use github                    print the next unused code and mark it used
  bcode list                          how many codes each service has left
  bcode print --pdf                   a paper copy for a drawer or a safe

Environment:
  BCODE_DIR              the vault folder (as --dir)
  BCODE_IDENTITY         an identity file (age, SSH or age plugin) to open the vault with, for one command
  BCODE_PASSPHRASE_FILE  read the passphrase from the first line of this file";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(InitArgs),
    Add(AddArgs),
    Use(UseArgs),
    Unuse(UnuseArgs),
    List(ListArgs),
    Show(ShowArgs),
    Check(CheckArgs),
    Remove(RemoveArgs),
    Rename(RenameArgs),
    Set(SetArgs),
    Passwd(PasswdArgs),
    Recipients(RecipientsArgs),
    Print(PrintArgs),
    Restore(RestoreArgs),
    Config(ConfigArgs),
    Merge(MergeArgs),
    Git(GitArgs),
    Sync(SyncArgs),
    Doctor(DoctorArgs),
    Completions(CompletionsArgs),
    #[command(hide = true)]
    MergeDriver(MergeDriverArgs),
    #[command(hide = true)]
    Textconv(TextconvArgs),
}

/// Create a new vault.
///
/// Generates an age identity, protects it with a passphrase you type twice, and
/// creates an empty vault encrypted to it. With --identity, uses an existing
/// identity file instead: an age identity file (as written by age-keygen), an
/// OpenSSH ed25519 or RSA private key (one with a passphrase asks for it at each
/// use), or an age plugin identity file (as age-plugin-yubikey writes).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode init\n  bcode init --identity ~/.config/age/key.txt\n  bcode init --identity ~/.ssh/id_ed25519"
)]
pub struct InitArgs {
    /// Use this identity file (age, SSH private key, age plugin) instead of a passphrase-protected key
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub identity: Option<PathBuf>,
}

/// Import the backup codes a service gave you.
///
/// Reads the codes from standard input (a pipe, or paste at the terminal and end
/// with an empty line or Ctrl-D) or from --file. Prints how many codes were
/// stored, never the codes.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode add github < github-recovery-codes.txt\n  bcode add google --file ~/Downloads/Backup-codes.txt\n  bcode add github --replace < new-codes.txt\n  pbpaste | bcode add gitlab --dry-run"
)]
pub struct AddArgs {
    /// The service, e.g. github or github/work
    pub service: ServiceName,
    /// Read the codes from this file instead of standard input
    #[arg(long, short, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Replace the service's current set (the old set is kept as history)
    #[arg(long)]
    pub replace: bool,
    /// Show what would be stored and change nothing
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// With --dry-run: print the result as JSON
    #[arg(long, requires = "dry_run")]
    pub json: bool,
    /// What kind of codes these are [default: from the known-service table, else set]
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// When the text holds two sets: take the newest, or set N as listed in the error
    #[arg(long, value_name = "newest|N")]
    pub pick: Option<PickArg>,
}

/// Which of several sets in one text to import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickArg {
    Newest,
    Set(usize),
}

impl std::str::FromStr for PickArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("newest") {
            return Ok(PickArg::Newest);
        }
        match s.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(PickArg::Set(n)),
            _ => Err("expected 'newest' or a set number (1, 2, ...)".to_string()),
        }
    }
}

/// Print the next unused code and mark it used.
///
/// The code is recorded as used, and the vault safely written, before it is
/// printed. With --code, marks a specific code (one typed from paper) as used.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode use github\n  bcode use github | xclip -selection clipboard\n  bcode use github --code 3f2a1-9c0d7"
)]
pub struct UseArgs {
    /// The service
    #[arg(add = crate::complete::service_candidates())]
    pub service: ServiceName,
    /// Mark this code used instead of the next one ('-' reads it from standard input)
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
}

/// Mark a used code unused again (the login did not take it).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode unuse github 3f2a1-9c0d7\n  bcode unuse github          # asks for the code"
)]
pub struct UnuseArgs {
    /// The service
    #[arg(add = crate::complete::service_candidates())]
    pub service: ServiceName,
    /// The code ('-' or absent: read it from standard input or the terminal)
    pub code: Option<String>,
}

/// List the services and how many codes each has left.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  bcode list\n  bcode list --json | jq '.[] | select(.low)'")]
pub struct ListArgs {
    /// Print JSON: an array of {service, unused, total, ...}
    #[arg(long)]
    pub json: bool,
}

/// Show every code of a service with its state.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  bcode show github\n  bcode show github --json")]
pub struct ShowArgs {
    /// The service
    #[arg(add = crate::complete::service_candidates())]
    pub service: ServiceName,
    /// Print JSON: {service, codes: [{code, used, ...}]}
    #[arg(long)]
    pub json: bool,
    /// Also show the earlier sets this one replaced
    #[arg(long)]
    pub history: bool,
}

/// Exit 1 and list the services running low (for cron and status bars).
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  bcode check || notify-send 'bcode: backup codes running low'")]
pub struct CheckArgs {
    /// Print nothing; only the exit status tells
    #[arg(long, short)]
    pub quiet: bool,
}

/// Remove a service and all its codes.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  bcode remove oldsite\n  bcode remove oldsite --yes")]
pub struct RemoveArgs {
    /// The service
    #[arg(add = crate::complete::service_candidates())]
    pub service: ServiceName,
    /// Do not ask for confirmation
    #[arg(long, short)]
    pub yes: bool,
}

/// Rename a service.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  bcode rename github github/personal")]
pub struct RenameArgs {
    /// The current name
    #[arg(add = crate::complete::service_candidates())]
    pub old: ServiceName,
    /// The new name
    pub new: ServiceName,
}

/// Change a service's settings: warning threshold, note, kind.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode set github --threshold 5\n  bcode set github --note 'account: me@example.com'\n  bcode set github --threshold default"
)]
pub struct SetArgs {
    /// The service
    #[arg(add = crate::complete::service_candidates())]
    pub service: ServiceName,
    /// Warn at or under this many unused codes ('default' for the default, 3)
    #[arg(long, value_name = "N|default")]
    pub threshold: Option<Threshold>,
    /// A note shown with the service ('' clears it); not for secrets
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// What kind of codes the service issues
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
}

/// Change the vault's passphrase.
///
/// Re-encrypts the identity only; the vault itself does not change. In scripts,
/// BCODE_PASSPHRASE_FILE gives the current passphrase and BCODE_NEW_PASSPHRASE_FILE
/// the new one.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode passwd\n  BCODE_PASSPHRASE_FILE=old.txt BCODE_NEW_PASSPHRASE_FILE=new.txt bcode passwd"
)]
pub struct PasswdArgs {}

/// List, add or remove the keys the vault is encrypted to.
///
/// The vault is encrypted to every recipient in the folder's recipients file, and
/// each one alone opens it: age keys (age1...), SSH keys (ssh-ed25519, ssh-rsa) and
/// age plugin keys such as a YubiKey's (age1yubikey1..., with age-plugin-yubikey
/// installed). Adding or removing one re-encrypts the vault at once. The file holds
/// public keys only.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode recipients list\n  bcode recipients add age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n  bcode recipients add --file ~/.ssh/id_ed25519.pub\n  bcode recipients add --file other-laptop-key.txt   # derives its public key\n  bcode recipients remove ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA..."
)]
pub struct RecipientsArgs {
    #[command(subcommand)]
    pub action: RecipientsAction,
}

/// What `bcode recipients` does.
#[derive(Debug, Subcommand)]
pub enum RecipientsAction {
    /// Print the recipients, one a line with its kind; '*' marks those the current identity opens
    List,
    /// Add recipients and re-encrypt the vault to them
    Add(RecipientsAddArgs),
    /// Remove a recipient and re-encrypt the vault without it
    Remove(RecipientsRemoveArgs),
}

/// Add recipients.
#[derive(Debug, Args)]
pub struct RecipientsAddArgs {
    /// The public key: age1..., ssh-ed25519 AAAA... [comment], ssh-rsa AAAA..., age1yubikey1...
    #[arg(required_unless_present = "file", conflicts_with = "file", num_args = 1.., value_name = "RECIPIENT")]
    pub recipient: Vec<String>,
    /// Read them from a file, one a line (a .pub file, a recipients file), or derive them from an identity file (age-keygen, SSH private key)
    #[arg(long, short, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,
}

/// Remove a recipient.
#[derive(Debug, Args)]
pub struct RecipientsRemoveArgs {
    /// The public key as listed (an SSH key's comment may be left off)
    #[arg(required = true, num_args = 1.., value_name = "RECIPIENT")]
    pub recipient: Vec<String>,
}

/// Print a paper copy of the codes (text, or PDF with --pdf).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode print | lp\n  bcode print --pdf\n  bcode print --pdf -o codes.pdf --paper letter github google\n  bcode print --pdf --unused -o - | lp"
)]
pub struct PrintArgs {
    /// Only these services [default: all]
    #[arg(add = crate::complete::service_candidates())]
    pub services: Vec<ServiceName>,
    /// Write a PDF [default file: ./bcode-backup-codes-DATE.pdf]
    #[arg(long)]
    pub pdf: bool,
    /// Write to this file ('-' for standard output)
    #[arg(long, short, value_name = "FILE", value_hint = ValueHint::FilePath, requires = "pdf")]
    pub output: Option<PathBuf>,
    /// Leave used codes off the sheet
    #[arg(long)]
    pub unused: bool,
    /// Paper size
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    pub paper: PaperArg,
}

/// Bring back an earlier vault from the backups.
///
/// Without an argument, lists the backups. The vault it replaces becomes a backup
/// itself, so a restore can be undone.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode restore          # list the backups\n  bcode restore 1        # the newest backup\n  bcode restore vault-20261203T164737.000000000Z.age"
)]
pub struct RestoreArgs {
    /// Which backup: a number from the list (1 = newest) or a file name
    pub backup: Option<String>,
}

/// Show or change the vault folder's settings.
///
/// plain-names: keep a plain list of service names beside the vault, so shell
/// completion can offer them without asking for the passphrase. Off by default:
/// the list reveals which services you hold codes for (never the codes) to anyone
/// who can read the folder. An identity-file vault completes names without it.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode config                     # show the settings\n  bcode config plain-names on\n  bcode config plain-names off"
)]
pub struct ConfigArgs {
    /// The setting to change
    #[arg(value_enum, requires = "value")]
    pub setting: Option<Setting>,
    /// plain-names: on or off; identity: an age identity file ('none' for identity.age)
    #[arg(value_hint = ValueHint::FilePath)]
    pub value: Option<String>,
}

/// Settings that `bcode config` changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Setting {
    /// A plain list of service names for shell completion
    PlainNames,
    /// The identity file this device opens the vault with
    Identity,
}

/// Merge another copy of the vault into this one.
///
/// For a sync conflict copy, an old backup or another device's vault: services and
/// codes are united, a code used on either side stays used, a replaced set stays
/// retired, nothing is dropped. The other file must open with this vault's identity.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode merge ~/Sync/bcode/vault.sync-conflict-20261203.age\n  bcode merge ~/.local/share/bcode/backups/vault-20261201T101500.000000000Z.age"
)]
pub struct MergeArgs {
    /// The other vault file (age-encrypted, as vault.age)
    #[arg(value_hint = ValueHint::FilePath)]
    pub other: PathBuf,
}

/// Run git inside the vault folder, as `pass git` does.
///
/// `bcode git init` makes the folder a git repository and registers bcode as the
/// merge driver and diff converter for vault.age. After that every change is
/// committed with a message naming the service and the action, never a code.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode git init\n  bcode git remote add origin git@example.org:me/bcode-vault.git\n  bcode git push -u origin HEAD\n  bcode git log --oneline"
)]
pub struct GitArgs {
    /// Arguments for git
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    pub args: Vec<std::ffi::OsString>,
}

/// Pull (merging through bcode), then push the vault's git repository.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  bcode sync")]
pub struct SyncArgs {}

/// git merge driver for vault.age (registered by `bcode git init`).
#[derive(Debug, Args)]
pub struct MergeDriverArgs {
    /// The common ancestor (%O)
    pub base: PathBuf,
    /// Ours (%A); the result is written here
    pub ours: PathBuf,
    /// Theirs (%B)
    pub theirs: PathBuf,
}

/// git textconv for vault.age: a readable listing for `git diff` (registered by `bcode git init`).
#[derive(Debug, Args)]
pub struct TextconvArgs {
    /// The vault file
    pub file: PathBuf,
}
/// Check the vault folder, the vault, its backups and keys.
///
/// Prints one line per check: ok, or the problem and what to do. Changes nothing.
/// Exits 0 when all is well, 1 otherwise. A passphrase vault asks for the
/// passphrase, to check that the identity opens the vault and every backup.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode doctor\n  bcode doctor || echo 'see the lines marked problem'"
)]
pub struct DoctorArgs {}

/// Print the shell completion script.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  bcode completions bash > ~/.local/share/bash-completion/completions/bcode\n  bcode completions fish > ~/.config/fish/completions/bcode.fish"
)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The kinds of codes, for --kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// A set of one-time codes
    Set,
    /// One code at a time, replaced by the service after each use
    Single,
    /// One reusable recovery key
    RecoveryKey,
}

impl From<KindArg> for crate::vault::SetKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Set => Self::Set,
            KindArg::Single => Self::Single,
            KindArg::RecoveryKey => Self::RecoveryKey,
        }
    }
}

/// Paper sizes, for --paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// 210 × 297 mm
    A4,
    /// 8.5 × 11 in
    Letter,
}

/// A warning threshold: a number, or back to the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    Default,
    At(u32),
}

impl std::str::FromStr for Threshold {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("default") {
            return Ok(Threshold::Default);
        }
        s.parse()
            .map(Threshold::At)
            .map_err(|_| "expected a number of codes or 'default'".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
