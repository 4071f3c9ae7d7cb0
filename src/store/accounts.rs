//! Web accounts: users, their sessions, and the trail of admin actions.

use super::{
    AdminAction, NewSession, NewUser, Result, SessionRecord, Store, UserRecord, conflict, on_pool,
};

/// An account with its password hash, as [`Store::user_credentials`] reads it.
#[derive(sqlx::FromRow)]
struct Credentials {
    #[sqlx(flatten)]
    user: UserRecord,
    password_hash: String,
}

impl Store {
    /// Stores an account; [`super::StoreError::Conflict`] if the email is taken (a role and
    /// producer that do not go together fail the schema's check).
    pub async fn insert_user(&self, u: &NewUser) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO users (id, email, password_hash, role, producer_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&u.id)
            .bind(&u.email)
            .bind(&u.password_hash)
            .bind(u.role)
            .bind(&u.producer_id)
            .bind(&u.created_at)
            .execute(pool)
            .await
            .map_err(conflict("email"))?;
            Ok(())
        })
    }

    /// The account with this (lower-cased) email and its password hash.
    pub async fn user_credentials(&self, email: &str) -> Result<Option<(UserRecord, String)>> {
        let row: Option<Credentials> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, email, role, producer_id, created_at, password_hash \
                 FROM users WHERE email = $1",
            )
            .bind(email)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|c| (c.user, c.password_hash)))
    }

    /// Every account, by email.
    pub async fn users(&self) -> Result<Vec<UserRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, email, role, producer_id, created_at FROM users ORDER BY email",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Replaces a password hash and ends every session of that account.
    pub async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                .bind(user_id)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Stores a session, dropping sessions that expired before `session.created_at`.
    pub async fn insert_session(&self, s: &NewSession) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                .bind(&s.created_at)
                .execute(pool)
                .await?;
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&s.id_hash)
            .bind(&s.user_id)
            .bind(&s.csrf)
            .bind(&s.created_at)
            .bind(&s.expires_at)
            .execute(pool)
            .await
            .map_err(conflict("session"))?;
            Ok(())
        })
    }

    /// The session with this hash, unless it expired before `now`.
    pub async fn session(&self, id_hash: &str, now: &str) -> Result<Option<SessionRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT u.id, u.email, u.role, u.producer_id, u.created_at, s.csrf, s.expires_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.id_hash = $1 AND s.expires_at >= $2",
            )
            .bind(id_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Ends a session (logout).
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Adds a line to the admin action trail.
    pub async fn record_action(&self, a: &AdminAction) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO admin_actions (at, actor, action, subject, detail) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&a.at)
            .bind(&a.actor)
            .bind(&a.action)
            .bind(&a.subject)
            .bind(&a.detail)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The latest admin actions, newest first.
    pub async fn admin_actions(&self, limit: u32) -> Result<Vec<AdminAction>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT at, actor, action, subject, detail FROM admin_actions \
                 ORDER BY id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?)
        })
    }
}
