//! `bcode list`: one line per service with how many codes are left.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;
use time::format_description::well_known::Rfc3339;

use crate::cli::ListArgs;
use crate::cmd::{Ctx, out, read_summaries, warn_low};
use crate::error::Result;
use crate::name::ServiceName;
use crate::partial::Summary;
use crate::sanitize::display;
use crate::vault;

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<u8> {
    // Counts only: the codes themselves are never decoded for a list.
    let summaries = read_summaries(ctx)?;
    if args.json {
        let doc = to_json(&summaries);
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("json")
        ))?;
    } else if summaries.is_empty() {
        eprintln!("No services yet; add one with: bcode add SERVICE < codes.txt");
    } else {
        out(&to_text(&summaries))?;
    }
    for (name, s) in &summaries {
        warn_low(name, s.kind, &s.status);
    }
    Ok(0)
}

fn to_json(summaries: &BTreeMap<ServiceName, Summary>) -> serde_json::Value {
    summaries
        .iter()
        .map(|(name, s)| {
            let st = &s.status;
            json!({
                "service": name.as_str(),
                "unused": st.unused,
                "total": st.total,
                "used": st.total - st.unused,
                "low": st.low,
                "threshold": st.threshold,
                "kind": s.kind,
                "added": s.added,
                "last_used": st.last_used.and_then(|t| t.format(&Rfc3339).ok()),
            })
        })
        .collect()
}

fn to_text(summaries: &BTreeMap<ServiceName, Summary>) -> String {
    let width = summaries
        .keys()
        .map(|n| display(n.as_str()).chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::with_capacity(summaries.len() * (width + 48));
    for (name, s) in summaries {
        let st = &s.status;
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
        let _ = writeln!(
            text,
            "{:<width$}  {counts:>7} unused  {last}{mark}",
            display(name.as_str()),
        );
    }
    text
}
