//! `bcode list`: one line per service with how many codes are left.

use serde_json::json;

use crate::cli::ListArgs;
use crate::cmd::{Ctx, out, read_vault, warn_if_low};
use crate::error::Result;
use crate::sanitize::display;
use crate::vault::{self, Vault};

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<u8> {
    let vault = read_vault(ctx)?;
    if args.json {
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&to_json(&vault)).expect("json")
        ))?;
    } else if vault.services.is_empty() {
        eprintln!("No services yet; add one with: bcode add SERVICE < codes.txt");
    } else {
        out(&to_text(&vault))?;
    }
    for (name, service) in &vault.services {
        warn_if_low(name, service);
    }
    Ok(0)
}

fn to_json(vault: &Vault) -> serde_json::Value {
    vault
        .services
        .iter()
        .map(|(name, s)| {
            let st = s.status();
            json!({
                "service": name.as_str(),
                "unused": st.unused,
                "total": st.total,
                "used": st.total - st.unused,
                "low": st.low,
                "threshold": st.threshold,
                "kind": s.kind,
                "added": s.added.format(&time::format_description::well_known::Rfc3339).ok(),
                "last_used": st.last_used.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
            })
        })
        .collect()
}

fn to_text(vault: &Vault) -> String {
    let width = vault
        .services
        .keys()
        .map(|n| display(n.as_str()).chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for (name, s) in &vault.services {
        let st = s.status();
        let last = st
            .last_used
            .map(|t| format!("last used {}", vault::day(t)))
            .unwrap_or_else(|| "never used".into());
        let mark = match (st.unused, st.low) {
            (0, _) => "  ! none left",
            (_, true) => "  ! running low",
            _ => "",
        };
        let counts = format!("{}/{}", st.unused, st.total);
        text.push_str(&format!(
            "{:<width$}  {counts:>7} unused  {last}{mark}\n",
            display(name.as_str()),
        ));
    }
    text
}
