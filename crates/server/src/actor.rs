//! Who made a change. Every storage change that a person or a token can cause takes an actor,
//! so that sign-in, when it comes, only has to say who is asking.

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
    /// The actor of every API change until sign-in exists.
    pub fn administrator() -> Self {
        Self {
            id: "system-admin".to_owned(),
            kind: "User".to_owned(),
            display_name: "Administrator".to_owned(),
        }
    }

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
