//! Accounts. Never listed to the public: only the signed-in user's own account is read here.

use crate::error::Result;
use entity::user;
use sea_orm::{DatabaseConnection, EntityTrait};

/// The account with this id (the signed-in user's own, for `me`).
pub async fn by_id(db: &DatabaseConnection, id: i32) -> Result<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}
