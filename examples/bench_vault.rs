//! Helper for `benches/commands.sh`: fills a vault folder with a made-up vault of N
//! services, and provides the passphrase reference (one age scrypt decryption).
//!
//! ```sh
//! bench_vault populate DIR N           # DIR made by `bcode init`: write N services of 16 codes
//! bench_vault seal N PASSFILE OUT      # the same-sized document, passphrase-encrypted (scrypt, log N = 18)
//! bench_vault open FILE PASSFILE       # decrypt a passphrase file with the age crate, like `age -d`
//! ```
//! Every code is invented; none of them works anywhere.
#![forbid(unsafe_code)]

#[path = "../benches/support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use age::secrecy::SecretString;
use bcode::keys::{SCRYPT_MAX_WORK_FACTOR, SCRYPT_WRITE_WORK_FACTOR};
use bcode::store::VaultDir;
use bcode::vault;

fn passphrase(path: &Path) -> SecretString {
    let text = std::fs::read_to_string(path).expect("read the passphrase file");
    SecretString::from(text.lines().next().unwrap_or_default().to_owned())
}

fn populate(dir: PathBuf, services: usize) {
    let dir = VaultDir::at(dir);
    let lock = dir.lock_exclusive().expect("lock the vault folder");
    let v = support::vault(services);
    dir.save(&v, &lock, time::OffsetDateTime::now_utc())
        .expect("write the vault");
}

fn seal(services: usize, pass: &Path, out: &Path) {
    let plaintext = vault::encode(&support::vault(services));
    let mut recipient = age::scrypt::Recipient::new(passphrase(pass));
    recipient.set_work_factor(SCRYPT_WRITE_WORK_FACTOR);
    let ciphertext = age::encrypt(&recipient, &plaintext).expect("encrypt");
    std::fs::write(out, ciphertext).expect("write the sealed file");
}

fn open(file: &Path, pass: &Path) {
    let mut identity = age::scrypt::Identity::new(passphrase(pass));
    identity.set_max_work_factor(SCRYPT_MAX_WORK_FACTOR);
    let input = std::io::BufReader::new(std::fs::File::open(file).expect("open the file"));
    let decryptor = age::Decryptor::new_buffered(input).expect("an age file");
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .expect("the right passphrase");
    // Like `age -d > /dev/null`: stream the plaintext out.
    let mut sink = std::io::sink();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf).expect("decrypt");
        if n == 0 {
            break;
        }
        sink.write_all(&buf[..n]).expect("write");
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = |s: &str| s.parse::<usize>().expect("a number of services");
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["populate", dir, count] => populate(PathBuf::from(dir), n(count)),
        ["seal", count, pass, out] => seal(n(count), Path::new(pass), Path::new(out)),
        ["open", file, pass] => open(Path::new(file), Path::new(pass)),
        _ => {
            eprintln!(
                "usage: bench_vault populate DIR N | seal N PASSFILE OUT | open FILE PASSFILE"
            );
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
