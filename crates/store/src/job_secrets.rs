//! Secrets a job needs, sealed for its tenant so they sit in the job's
//! payload (and stay there after it ran) only as ciphertext: the panel login
//! an admin gave `/admin`, tested and stored by a job because a panel must not
//! be waited for inside the update's transaction.

use crate::{StoreError, TenantTx};
use bazar_domain::PanelCredentials;
use bazar_domain::jobs::SealedBlob;
use bazar_secrets::Sealed;
use secrecy::ExposeSecret;

/// Bound to the tenant: a blob copied into another tenant's job does not open.
const PURPOSE: &str = "job-panel-credentials";

impl TenantTx {
    /// `credentials` sealed for a job of this tenant.
    pub fn seal_for_job(&self, credentials: &PanelCredentials) -> SealedBlob {
        let text = credentials.sealed_text();
        let sealed = self.keyring().seal(PURPOSE, self.bot(), text.expose_secret().as_bytes());
        SealedBlob { key_id: sealed.key_id, blob: sealed.blob }
    }

    /// The credentials [`Self::seal_for_job`] sealed.
    pub fn open_for_job(&self, sealed: &SealedBlob) -> Result<PanelCredentials, StoreError> {
        let sealed = Sealed { key_id: sealed.key_id.clone(), blob: sealed.blob.clone() };
        let text = self.keyring().open_text(PURPOSE, self.bot(), &sealed)?;
        PanelCredentials::from_sealed_text(&text).map_err(|e| StoreError::Corrupt(format!("job credentials: {e}")))
    }
}
