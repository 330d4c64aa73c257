//! `bcode set`: change a service's warning threshold, note or kind.

use crate::cli::{SetArgs, Threshold};
use crate::cmd::{Ctx, change_service, warn_if_low};
use crate::error::{Error, Result};
use crate::sanitize::display;

pub fn run(ctx: &Ctx, args: SetArgs) -> Result<u8> {
    if args.threshold.is_none() && args.note.is_none() && args.kind.is_none() {
        return Err(Error::Other(
            "nothing to change: give --threshold, --note or --kind".into(),
        ));
    }
    let name = &args.service;
    let service = change_service(ctx, name, &format!("change settings of {name}"), |vault| {
        if let Some(t) = args.threshold {
            let t = match t {
                Threshold::Default => None,
                Threshold::At(n) => Some(n),
            };
            vault.set_threshold(name, t, ctx.now)?;
        }
        if let Some(note) = &args.note {
            let note = (!note.is_empty()).then(|| note.clone());
            vault.set_note(name, note, ctx.now)?;
        }
        if let Some(kind) = args.kind {
            vault.set_kind(name, kind.into(), ctx.now)?;
        }
        Ok((vault.services[name].clone(), true))
    })?;
    let st = service.status();
    eprintln!(
        "Updated {}: warns at {} unused or fewer.",
        display(name.as_str()),
        st.threshold
    );
    warn_if_low(name, &service);
    Ok(0)
}
