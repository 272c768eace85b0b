//! Who made a change. Every storage change that a person or a token can cause takes an actor:
//! the signed-in administrator (`auth::Principal::actor`) or the server itself.

use safeguard_rules::api::LogActor;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub id: String,
    /// `User` for a person, `SystemPrincipal` for the server itself.
    #[serde(rename = "type")]
    pub kind: String,
    pub display_name: String,
}

impl Actor {
    /// The server acting on its own (recovering after a restart, building the demo).
    pub fn system() -> Self {
        Self {
            id: "safeguard".to_owned(),
            kind: "SystemPrincipal".to_owned(),
            display_name: "Safeguard".to_owned(),
        }
    }

    pub fn to_log(&self) -> LogActor {
        LogActor {
            id: self.id.clone(),
            kind: self.kind.clone(),
            display_name: self.display_name.clone(),
        }
    }
}
