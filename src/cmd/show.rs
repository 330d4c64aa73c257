//! `bcode show`: every code of a service with its state.

use serde_json::json;
use time::format_description::well_known::Rfc3339;

use crate::cli::ShowArgs;
use crate::cmd::{Ctx, out, read_service, warn_if_low};
use crate::error::Result;
use crate::name::ServiceName;
use crate::sanitize::display;
use crate::services;
use crate::vault::{self, Code, Service};

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<u8> {
    let vault = read_service(ctx, &args.service)?;
    let service = vault.service(&args.service)?;
    if args.json {
        let doc = to_json(&args.service, service, args.history);
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).expect("json")
        ))?;
    } else {
        out(&to_text(&args.service, service, args.history))?;
    }
    warn_if_low(&args.service, service);
    Ok(0)
}

fn rfc3339(t: vault::Timestamp) -> Option<String> {
    t.format(&Rfc3339).ok()
}

fn codes_json(codes: &[Code]) -> Vec<serde_json::Value> {
    codes
        .iter()
        .map(|c| {
            json!({
                "code": c.code,
                "used": c.used.is_some(),
                "used_at": c.used.and_then(rfc3339),
                "note": c.note,
            })
        })
        .collect()
}

fn to_json(name: &ServiceName, s: &Service, history: bool) -> serde_json::Value {
    let st = s.status();
    let mut doc = json!({
        "service": name.as_str(),
        "kind": s.kind,
        "added": rfc3339(s.added),
        "unused": st.unused,
        "total": st.total,
        "low": st.low,
        "threshold": st.threshold,
        "note": s.note,
        "new_set_url": services::lookup(name.as_str()).map(|p| p.new_set_url),
        "codes": codes_json(&s.codes),
    });
    if history {
        doc["retired"] = s
            .retired
            .iter()
            .map(|r| {
                json!({
                    "added": rfc3339(r.added),
                    "retired": rfc3339(r.retired),
                    "codes": codes_json(&r.codes),
                })
            })
            .collect();
    }
    doc
}

fn code_lines(codes: &[Code], text: &mut String) {
    let width = codes
        .iter()
        .map(|c| display(&c.code).chars().count())
        .max()
        .unwrap_or(0);
    for (i, c) in codes.iter().enumerate() {
        let (mark, state) = match c.used {
            Some(t) => ("[x]", format!("used {}", vault::minute(t))),
            None => ("[ ]", "unused".to_string()),
        };
        let note = c
            .note
            .as_deref()
            .map(|n| format!("  ({})", display(n)))
            .unwrap_or_default();
        text.push_str(&format!(
            "{:>3}  {mark} {:<width$}  {state}{note}\n",
            i + 1,
            display(&c.code)
        ));
    }
}

fn to_text(name: &ServiceName, s: &Service, history: bool) -> String {
    let st = s.status();
    let mut text = format!(
        "{}: {} of {} unused, set added {}\n",
        display(name.as_str()),
        st.unused,
        st.total,
        vault::day(s.added)
    );
    if let Some(note) = &s.note {
        text.push_str(&format!("note: {}\n", display(note)));
    }
    if let Some(p) = services::lookup(name.as_str()) {
        text.push_str(&format!("new set: {}\n", p.new_set_url));
    }
    code_lines(&s.codes, &mut text);
    if history {
        for (i, r) in s.retired.iter().enumerate().rev() {
            text.push_str(&format!(
                "\nretired set {} (added {}, replaced {}):\n",
                i + 1,
                vault::day(r.added),
                vault::day(r.retired)
            ));
            code_lines(&r.codes, &mut text);
        }
    } else if !s.retired.is_empty() {
        text.push_str(&format!(
            "({} earlier set(s) kept: bcode show {} --history)\n",
            s.retired.len(),
            display(name.as_str())
        ));
    }
    text
}
