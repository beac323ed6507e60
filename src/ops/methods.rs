//! One table of the core's operations (issue 17, item 4): each request (`op`) and query (`q`)
//! by its wire name, its kind, and the methods of the JavaScript API built on it. The shell's
//! lists (the worker's reads, the service console's kinds) are generated from it
//! (`js/methods.generated.js`), and a test checks it against the `Request` and `Query` enums
//! both ways, so that an operation added to the core is in it.

use serde::Serialize;

/// What an operation does to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MethodKind {
    /// A question about the small state, answered from memory (`Query`).
    Query,
    /// A request that reads storage and writes nothing.
    Read,
    /// A request of one transaction that changes the store.
    Operation,
    /// A request of several transactions (each step one), moving the clock: `advance`,
    /// `runWorkflow`, `waitForStatus`, `generate`.
    Command,
}

/// One operation of the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MethodSpec {
    /// Its wire name: the `op` of a request, the `q` of a query.
    pub core: &'static str,
    /// Request or query.
    pub query: bool,
    /// What it does.
    pub kind: MethodKind,
    /// The methods of the JavaScript API (`MessageCenter`) built on it; none: the shell's own
    /// (the service's, the storage checks', the tests').
    pub api: &'static [&'static str],
}

const fn req(core: &'static str, kind: MethodKind, api: &'static [&'static str]) -> MethodSpec {
    MethodSpec { core, query: false, kind, api }
}

const fn q(core: &'static str, api: &'static [&'static str]) -> MethodSpec {
    MethodSpec { core, query: true, kind: MethodKind::Query, api }
}

use MethodKind::{Command, Operation, Read};

/// Every operation of the core.
pub const METHODS: &[MethodSpec] = &[
    req("open", Operation, &["open"]),
    req("configure", Operation, &["configure"]),
    // Named by open when the store is of an older format (the shell's open sends it).
    req("migrate", Command, &[]),
    #[cfg(feature = "driver")]
    req("setClock", Operation, &[]),
    req("advance", Command, &["advance", "advanceTo"]),
    req("addEventType", Operation, &["addEventType"]),
    req("addExecutionInstance", Operation, &["addExecutionInstance"]),
    req("updateExecutionInstance", Operation, &["updateExecutionInstance"]),
    req("createArchivingWorkflow", Operation, &["createArchivingWorkflow"]),
    req("createTemplate", Operation, &["createTemplate"]),
    req("updateTemplate", Operation, &["updateTemplate"]),
    req("sendProof", Operation, &["sendProof"]),
    req("deleteTemplate", Operation, &["deleteTemplate"]),
    req("createPersonalizationBlock", Operation, &["createPersonalizationBlock"]),
    req("updatePersonalizationBlock", Operation, &["updatePersonalizationBlock"]),
    req("deletePersonalizationBlock", Operation, &["deletePersonalizationBlock"]),
    req("setOption", Operation, &["setOption"]),
    req("publish", Operation, &["publish"]),
    req("unpublish", Operation, &["unpublish"]),
    req("startWorkflow", Operation, &["startWorkflow"]),
    req("pauseWorkflow", Operation, &["pauseWorkflow"]),
    req("stopWorkflow", Operation, &["stopWorkflow"]),
    req("scheduleWorkflow", Operation, &["scheduleWorkflow"]),
    req("push", Operation, &["pushEvent", "pushEvents"]),
    req("soap", Operation, &["soap"]),
    req("report", Read, &["report"]),
    req("generate", Command, &["generate"]),
    req("runWorkflow", Command, &["runWorkflow"]),
    req("consumeChanges", Operation, &["consumeChanges"]),
    req("denylist", Operation, &["denylist"]),
    req("listEvents", Read, &["listEvents"]),
    req("getEvent", Read, &["getEvent"]),
    req("activity", Read, &["activity"]),
    req("statusOverTime", Read, &["statusOverTime"]),
    req("journal", Read, &["journal"]),
    req("waitForStatus", Command, &["waitForStatus"]),
    q("settings", &["settings"]),
    q("now", &["now"]),
    q("accounts", &["executionInstances"]),
    q("eventTypes", &["eventTypes"]),
    q("templates", &["templates"]),
    q("template", &["getTemplate"]),
    q("personalizationBlocks", &["personalizationBlocks"]),
    q("options", &["options"]),
    q("checkTemplate", &["checkTemplate"]),
    q("preview", &["preview"]),
    q("published", &["publishedTemplates"]),
    q("deliveries", &["deliveries"]),
    q("workflows", &["workflows"]),
    q("counts", &["countEvents"]),
    q("mcPing", &["mcPing"]),
    q("ping", &["ping"]),
    q("draw", &["draw"]),
    q("injectedFault", &["injectedFault"]),
    q("enumerations", &["enumerations"]),
    q("exercises", &["exercises"]),
    q("exercise", &["exercise"]),
    q("setupChecklist", &["setupChecklist"]),
    q("personalizationMenu", &["personalizationMenu"]),
    q("testConnection", &["testConnection"]),
    q("exerciseRecord", &["exerciseRecord"]),
    q("verifyExerciseRecord", &["verifyExerciseRecord"]),
    q("nextDue", &["nextDue"]),
    q("checkRecords", &["checkRecords"]),
    q("instanceKeys", &["instanceKeys"]),
    q("authenticate", &["authenticate"]),
    q("snapshotEdits", &["records"]),
    q("restoreEdits", &["recordsToRestore"]),
    q("wsdl", &["wsdl"]),
];

/// `js/methods.generated.js`: the API's methods built on the core, by name, with their kind.
pub fn generated_js() -> String {
    let mut out = String::from(
        "// Generated from src/ops/methods.rs by `UPDATE_TYPES=1 cargo test typescript`: do not edit.\n\
         // The methods of MessageCenter built on an operation of the core, with the operation's kind:\n\
         // `query` (the small state, from memory), `read` (reads storage, writes nothing),\n\
         // `operation` (one transaction that changes the store), `command` (several, moving the clock).\n\n\
         export const CORE_METHODS = Object.freeze({\n",
    );
    let mut rows: Vec<(&str, &MethodSpec)> = METHODS.iter().flat_map(|m| m.api.iter().map(move |a| (*a, m))).collect();
    rows.sort_by_key(|(a, _)| *a);
    for (api, m) in rows {
        let kind = match m.kind {
            MethodKind::Query => "query",
            MethodKind::Read => "read",
            MethodKind::Operation => "operation",
            MethodKind::Command => "command",
        };
        out.push_str(&format!("  {api}: Object.freeze({{ core: '{}', kind: '{kind}' }}),\n", m.core));
    }
    out.push_str("});\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The wire names serde knows for an enum tagged by `tag`, read from its "unknown variant"
    /// error (which lists every one).
    fn wire_names<T: serde::de::DeserializeOwned + std::fmt::Debug>(tag: &str) -> BTreeSet<String> {
        let e = serde_json::from_value::<T>(serde_json::json!({ tag: "\u{1}none" })).unwrap_err().to_string();
        let list = e.split("expected one of ").nth(1).unwrap_or_else(|| panic!("{e}"));
        list.split(", ").map(|s| s.trim().trim_matches(|c| c == '`' || c == ' ').split('`').next().unwrap().to_string()).collect()
    }

    #[test]
    fn the_table_has_every_request_and_query_of_the_core_and_nothing_else() {
        let reqs: BTreeSet<String> = METHODS.iter().filter(|m| !m.query).map(|m| m.core.to_string()).collect();
        let qs: BTreeSet<String> = METHODS.iter().filter(|m| m.query).map(|m| m.core.to_string()).collect();
        assert_eq!(reqs, wire_names::<crate::ops::Request>("op"));
        assert_eq!(qs, wire_names::<crate::ops::Query>("q"));
        let apis: Vec<&str> = METHODS.iter().flat_map(|m| m.api.iter().copied()).collect();
        let unique: BTreeSet<&str> = apis.iter().copied().collect();
        assert_eq!(unique.len(), apis.len(), "an API method on two operations");
        assert!(METHODS.iter().filter(|m| m.query).all(|m| m.kind == MethodKind::Query));
    }

    #[test]
    fn typescript_side_methods_table_is_generated() {
        crate::typescript::check_generated("js/methods.generated.js", &generated_js());
    }
}
