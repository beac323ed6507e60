//! The insert-personalization menu of the template editor (Campaign: "Real time events > Email /
//! Language / Event XML / Other…"): the event's fields a template can write, and the paths of a
//! seed address's test data (`<ctx>`), each as the expression to insert (`<%= rtEvent.ctx.order.@number %>`).

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::state::State;
use crate::tree::Node;

/// Most menu items from one ctx (the first paths in document order).
pub const MAX_CTX_ITEMS: usize = 200;

/// The menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PersonalizationMenu {
    /// "Real time events > …" submenus, in Campaign's order.
    pub groups: Vec<MenuGroup>,
}

/// A submenu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MenuGroup {
    /// "Email", "Language", "Event XML", "Other…".
    pub label: String,
    /// Its items.
    pub items: Vec<MenuItem>,
}

/// What an item inserts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MenuItem {
    /// What it says ("Email address", "order › @number").
    pub label: String,
    /// The text inserted: `<%= rtEvent.email %>`.
    pub insert: String,
}

fn item(label: &str, path: &str) -> MenuItem {
    MenuItem { label: label.into(), insert: format!("<%= {path} %>") }
}

/// The menu, with the paths of `ctx` (a seed address's test data) under "Event XML" when given.
/// A ctx that does not parse is the same error as at a seed's save.
pub fn menu(st: &State, ctx: Option<&str>) -> Result<PersonalizationMenu> {
    let mut xml = Vec::new();
    if let Some(c) = ctx {
        let node = crate::ctx::parse_xml(c, &st.config.limits())?;
        paths(&node, "rtEvent.ctx", &mut xml);
    }
    Ok(PersonalizationMenu {
        groups: vec![
            MenuGroup {
                label: "Email".into(),
                items: vec![
                    item("Email address", "rtEvent.email"),
                    item("Email format", "rtEvent.emailFormat"),
                    item("Mobile phone", "rtEvent.mobilePhone"),
                ],
            },
            MenuGroup { label: "Language".into(), items: vec![item("Language", "rtEvent.language"), item("Country", "rtEvent.country")] },
            MenuGroup { label: "Event XML".into(), items: xml },
            MenuGroup {
                label: "Other…".into(),
                items: vec![
                    item("Event id", "rtEvent.id"),
                    item("Event type", "rtEvent.type"),
                    item("External identifier", "rtEvent.externalId"),
                    item("Wished channel", "rtEvent.wishedChannel"),
                    item("Created", "rtEvent.created"),
                    item("Scheduled", "rtEvent.scheduled"),
                    item("Expiration", "rtEvent.expiration"),
                    item("Origin", "rtEvent.origin"),
                ],
            },
        ],
    })
}

/// Every attribute and every leaf element under `n`, depth first, once per path (a repeated
/// element is listed once: a loop over it is written by hand).
fn paths(n: &Node, at: &str, out: &mut Vec<MenuItem>) {
    let label_of = |p: &str| p.trim_start_matches("rtEvent.ctx.").replace('.', " › ");
    for (name, _) in &n.attrs {
        if out.len() >= MAX_CTX_ITEMS {
            return;
        }
        let p = format!("{at}.@{name}");
        out.push(MenuItem { label: label_of(&p), insert: format!("<%= {p} %>") });
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in &n.children {
        if !seen.insert(c.name.as_str()) {
            continue;
        }
        let p = format!("{at}.{}", c.name);
        if c.children.is_empty() && c.attrs.is_empty() {
            if out.len() >= MAX_CTX_ITEMS {
                return;
            }
            out.push(MenuItem { label: label_of(&p), insert: format!("<%= {p} %>") });
        } else {
            if !c.text.trim().is_empty() && out.len() < MAX_CTX_ITEMS {
                out.push(MenuItem { label: label_of(&p), insert: format!("<%= {p} %>") });
            }
            paths(c, &p, out);
        }
    }
}
