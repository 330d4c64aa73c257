//! `bcode textconv`: a readable listing of a vault file, for `git diff` and `git log -p`.

use crate::cli::TextconvArgs;
use crate::cmd::{Ctx, out};
use crate::error::Result;
use crate::sanitize::display;
use crate::store;
use crate::vault::{self, Code};

pub fn run(ctx: &Ctx, args: TextconvArgs) -> Result<u8> {
    let keys = ctx.dir.unlock()?;
    let bytes = store::read_file(&args.file)?;
    if bytes.is_empty() {
        return Ok(0);
    }
    let v = store::load_bytes(&bytes, &keys, &args.file)?;
    let mut text = String::new();
    let line = |text: &mut String, name: &str, set: &str, c: &Code| {
        let state = match c.used {
            Some(t) => format!("used {}", vault::minute(t)),
            None => "unused".into(),
        };
        text.push_str(&format!("{name} {set} {} {state}\n", display(&c.code)));
    };
    for (name, s) in &v.services {
        let name = display(name.as_str());
        text.push_str(&format!(
            "{name}: set added {}, warn at {}\n",
            vault::minute(s.added),
            s.status().threshold
        ));
        for c in &s.codes {
            line(&mut text, &name, "current", c);
        }
        for r in &s.retired {
            for c in &r.codes {
                line(
                    &mut text,
                    &name,
                    &format!("retired-{}", vault::day(r.retired)),
                    c,
                );
            }
        }
    }
    for r in &v.removed {
        text.push_str(&format!("removed: {}\n", display(r.name.as_str())));
    }
    out(&text)?;
    Ok(0)
}
