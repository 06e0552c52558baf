//! Refused fields, collected: a use case checks every field of its input and
//! answers with all refusals at once (so an API answer names them all and a
//! form can point at each), writing nothing unless every field is fine.

use std::fmt::Display;

/// One refused field (`F`: the use case's field enum), with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused<F> {
    /// Which.
    pub field: F,
    /// Why.
    pub reason: String,
}

impl<F> Refused<F> {
    /// A refusal of `field` for `reason` (also for what an interface found
    /// while parsing its own input, handed in with the rest).
    pub fn new(field: F, reason: impl Display) -> Self {
        Self { field, reason: reason.to_string() }
    }
}

/// Collects refusals field by field.
pub(crate) struct Checks<F>(pub(crate) Vec<Refused<F>>);

impl<F> Checks<F> {
    /// The value of `result`, or its error recorded against `field`.
    pub(crate) fn check<T, E: Display>(&mut self, field: F, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.push(Refused::new(field, e));
                None
            }
        }
    }

    /// `Err` with every refusal, if there was one.
    pub(crate) fn finish(self) -> Result<(), Vec<Refused<F>>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }
}

/// The refusals as one line, `; `-separated (for the CLI and logs).
pub fn joined<F>(refused: &[Refused<F>]) -> String {
    refused.iter().map(|r| r.reason.as_str()).collect::<Vec<_>>().join("; ")
}
