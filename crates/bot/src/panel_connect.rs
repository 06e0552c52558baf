//! The `panel_connect` job: the panel an admin gave in `/admin` (see
//! `admin::panel`) is tested and connected by `shop::own_panel::connect` —
//! outside any transaction, as the REST API's `PUT /panel` does — and the
//! admin's chat is told how it went, in their language.

use crate::context::language_of;
use crate::i18n::{t, t_args};
use bazar_domain::jobs::PanelConnectJob;
use bazar_domain::{Language, PanelCatalog, TelegramUserId};
use bazar_runtime::{BotHandle, Outgoing};
use bazar_shop::Provisioner;
use bazar_shop::own_panel::{self, OwnPanel, OwnPanelRefusal};
use bazar_store::{Job, JobEnd, StoreError};
use bazar_telegram::requests::SendMessage;
use std::sync::Arc;

/// Runs one `panel_connect` job and returns the answer to the admin.
pub(crate) async fn run(
    provisioner: &Provisioner,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &PanelConnectJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let tenant = provisioner.store().tenant(&bot.scope);
    let settings = tenant.settings().await?;
    let mut tx = tenant.begin_read().await?;
    let credentials = tx.open_for_job(&args.credentials)?;
    let admin = tx.customer_by_telegram_id(TelegramUserId::from_raw(args.chat)).await?;
    tx.commit().await?;
    let language = language_of(admin.and_then(|a| a.language), &settings);
    let wanted = OwnPanel { kind: args.kind.clone(), url: args.url.clone(), credentials };
    let text = match own_panel::connect(provisioner, &bot.scope, wanted).await {
        Ok((record, catalog)) => connected(language, record.kind.as_str(), &catalog),
        Err(OwnPanelRefusal::Store(e)) => return Err(e),
        Err(refusal) => t(language, refusal_key(&refusal)),
    };
    let mut tx = tenant.begin().await?;
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await?;
    Ok(vec![Outgoing::call(SendMessage::new(args.chat, text))])
}

fn refusal_key(refusal: &OwnPanelRefusal) -> &'static str {
    match refusal {
        OwnPanelRefusal::NotAllowed => "mng-panel-not-allowed",
        OwnPanelRefusal::BadCredentials(_) => "mng-panel-refused-login",
        OwnPanelRefusal::UnknownKind(_) | OwnPanelRefusal::BadUrl(_) => "mng-panel-bad-url",
        OwnPanelRefusal::Unreachable(_) | OwnPanelRefusal::Store(_) => "mng-panel-unreachable",
    }
}

/// "Connected", with what the panel offers plans, per option field of its kind.
fn connected(language: Language, kind: &str, catalog: &PanelCatalog) -> String {
    let fields = bazar_panels::parse_kind(kind).map(|spec| spec.options).unwrap_or_default();
    let offers: Vec<String> = fields
        .iter()
        .map(|field| {
            let label = match language {
                Language::Fa => field.labels.fa,
                Language::Ru => field.labels.ru,
                Language::En => field.labels.en,
            };
            format!("• {label}: {}", catalog.entries(field.key).len())
        })
        .collect();
    t_args(language, "mng-panel-connected", &[("kind", kind), ("offers", &offers.join("\n"))])
}
