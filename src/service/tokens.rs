//! API tokens: 256 random bits shown once; only their SHA-256 is stored.

use data_encoding::BASE64URL_NOPAD;

use crate::crypto::jcs;
use crate::domain::{Role, ids};
use crate::store::{NewToken, Result, Store, TokenRecord};

/// Creates a token for `role` and returns the secret (to show once) with its record.
///
/// # Errors
/// Storage failures.
pub async fn create(
    store: &Store,
    role: Role,
    producer_id: Option<&str>,
    label: Option<&str>,
) -> Result<(String, TokenRecord)> {
    issue(store, role, producer_id, None, label).await
}

/// Creates a buyer token for the buyer account `buyer_id` and returns the secret (to show
/// once) with its record.
///
/// # Errors
/// Storage failures.
pub async fn create_for_buyer(
    store: &Store,
    buyer_id: &str,
    label: Option<&str>,
) -> Result<(String, TokenRecord)> {
    issue(store, Role::Buyer, None, Some(buyer_id), label).await
}

async fn issue(
    store: &Store,
    role: Role,
    producer_id: Option<&str>,
    buyer_id: Option<&str>,
    label: Option<&str>,
) -> Result<(String, TokenRecord)> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| crate::store::StoreError::Seal(e.to_string()))?;
    let token = format!("org_{}", BASE64URL_NOPAD.encode(&secret));
    let new = NewToken {
        id: ids::short_id(),
        token_hash: jcs::sha256_hex(token.as_bytes()),
        role,
        producer_id: producer_id.map(str::to_owned),
        buyer_id: buyer_id.map(str::to_owned),
        label: label.map(str::to_owned),
        created_at: crate::time_fmt::now(),
    };
    store.insert_token(&new).await?;
    Ok((
        token,
        TokenRecord {
            id: new.id,
            role: new.role,
            producer_id: new.producer_id,
            buyer_id: new.buyer_id,
            label: new.label,
            created_at: new.created_at,
        },
    ))
}
