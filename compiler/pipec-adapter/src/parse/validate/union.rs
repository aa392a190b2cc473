//! pydantic-core's "smart" union: every member is tried in lax mode; the first that
//! matches exactly wins at once, otherwise the most exact match (for models, the one
//! that set more fields), the earliest on a tie. So `"5"` is a `str` for
//! `Union[int, str]`, `5.0` a `float` for `Union[int, float]`, and `"5"` a `float` for
//! `Union[float, int]`.

use pipec_ir::Type;

use super::{Exactness, Outcome, Validated, Validator};
use crate::parse::object::Obj;

impl Validator<'_> {
    pub(super) fn union(&self, members: &[Type], obj: &Obj) -> Outcome {
        let mut best: Option<Validated> = None;
        let mut errors = Vec::new();
        for member in members {
            match self.validate(member, obj) {
                Ok(valid) if valid.exactness == Exactness::Exact && valid.fields_set.is_none() => {
                    return Ok(valid);
                }
                Ok(valid) => {
                    let better = match &best {
                        None => true,
                        Some(current) => match (current.fields_set, valid.fields_set) {
                            (Some(a), Some(b)) if a != b => a < b,
                            _ => current.exactness < valid.exactness,
                        },
                    };
                    if better {
                        best = Some(valid);
                    }
                }
                Err(e) => {
                    if best.is_none() {
                        let label = member.display();
                        errors.extend(e.into_iter().map(|l| l.inside(label.clone())));
                    }
                }
            }
        }
        best.ok_or(errors)
    }
}
