//! How a handset's store and the server stand to each other: what the store holds of their
//! exchanges (`Held`, sent with the first request of every sync) against what the server holds of
//! the device. A store restored from a copy, or cloned onto a second phone, knows of fewer push
//! batches than the server applied; a server restored from an older copy knows of fewer than the
//! store was answered, or holds other history at the store's cursor.

use serde::{Deserialize, Serialize};

/// What this handset holds of its exchanges with the server, as checked before every sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    /// Push batches the server answered and this store recorded.
    pub pushes: u64,
    /// Batches sent whose answers were not recorded (lost, or cut off).
    #[serde(default)]
    pub in_flight: u64,
    pub cursor: u64,
    /// The server's history token for `cursor`, as given with the last page pulled (`None` for
    /// a store older than tokens).
    #[serde(default)]
    pub history: Option<u64>,
}

/// How this store and the server stand to each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    InStep,
    /// The server applied push batches of this device that the store knows nothing of: the store
    /// is a restored or cloned copy. Take a new identity before writing again.
    StoreBehind,
    /// The server lacks push batches it answered, or its history at the cursor is not the one
    /// pulled: it was restored from an older copy (or moved without its history). Hand back what
    /// it lost and pull everything again.
    ServerLostHistory,
}

impl Standing {
    /// The code a server answers a request with (409) when the store and it are not in step.
    pub fn code(self) -> Option<&'static str> {
        match self {
            Self::InStep => None,
            Self::StoreBehind => Some("store_behind"),
            Self::ServerLostHistory => Some("history_changed"),
        }
    }
}

/// Compares what the store holds with what the server holds of this device: its count of the
/// device's push batches, and its history token at the device's cursor.
pub fn standing(held: &Held, server_pushes: u64, server_history: Option<u64>) -> Standing {
    let history_gone = held.cursor > 0 && held.history.is_some_and(|h| h != 0) && server_history != held.history;
    if held.pushes > server_pushes || history_gone {
        Standing::ServerLostHistory
    } else if server_pushes > held.pushes + held.in_flight {
        Standing::StoreBehind
    } else {
        Standing::InStep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standing_table() {
        let server = |pushes, history| (pushes, history);
        let held = |pushes, in_flight, cursor, history| Held { pushes, in_flight, cursor, history };
        let cases = [
            ("a new store", held(0, 0, 0, None), server(0, Some(0)), Standing::InStep),
            ("in step", held(5, 0, 90, Some(7)), server(5, Some(7)), Standing::InStep),
            ("an answer lost last time", held(5, 1, 90, Some(7)), server(6, Some(7)), Standing::InStep),
            ("a store older than tokens", held(5, 0, 90, None), server(5, Some(7)), Standing::InStep),
            ("a restored copy of the store", held(3, 0, 60, Some(4)), server(5, Some(4)), Standing::StoreBehind),
            ("a clone that did not push yet", held(5, 0, 90, Some(7)), server(6, Some(7)), Standing::StoreBehind),
            ("the server lost my batches", held(5, 0, 90, Some(7)), server(4, Some(7)), Standing::ServerLostHistory),
            ("the server lost what I pulled", held(5, 0, 90, Some(7)), server(5, None), Standing::ServerLostHistory),
            (
                "the server wrote other history there",
                held(5, 0, 90, Some(7)),
                server(5, Some(8)),
                Standing::ServerLostHistory,
            ),
        ];
        for (what, h, s, want) in cases {
            assert_eq!(standing(&h, s.0, s.1), want, "{what}");
        }
    }
}
