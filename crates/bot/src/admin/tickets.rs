//! Admin area: support tickets (list, reply, close).

use super::{Input, Shown};
use crate::callback::AdminOp;
use crate::handler::CustomerBot;
use crate::i18n::t;
use crate::menu::Screen;
use crate::state::ChatState;
use bazar_domain::Language;
use bazar_runtime::{HandlerError, UpdateContext};
use serde_json::Value;

/// A button of this area.
pub(crate) async fn press(
    _bot: &CustomerBot,
    _ctx: &mut UpdateContext,
    _state: &mut ChatState,
    _op: AdminOp,
    language: Language,
    _menu: u64,
) -> Result<Shown, HandlerError> {
    Ok(Shown::toast(t(language, "menu-expired")))
}

/// The next text or photo of this area's guided flow.
pub(crate) async fn input(
    _bot: &CustomerBot,
    _ctx: &mut UpdateContext,
    _state: &mut ChatState,
    _flow: Value,
    _input: Input<'_>,
    _language: Language,
    _menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    Ok(None)
}
