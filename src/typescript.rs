//! The TypeScript declarations of the results and parameters the engine exchanges with the shell
//! (`js/generated.d.ts`), generated from the Rust types (ts-rs) and the Rust tables of the
//! enumerations. The test fails when the committed file is not what these types produce; run it
//! with `UPDATE_TYPES=1` to rewrite the file.

use ts_rs::{Config, TS};

use crate::error::ErrorCode;
use crate::model::{Channel, EventStatus, FailureType, Queue};
use crate::ops::{AccountInput, AccountPatch, CountFilter, ListFilter, SeedInput, TemplateInput, TemplatePatch, TimeInput};
use crate::state::{EventType, RunCount, Seed, WorkflowState};
use crate::views::*;

fn cfg() -> Config {
    Config::new().with_large_int("number")
}

/// A doc comment, at an indentation.
fn doc(out: &mut String, indent: &str, lines: &[String]) {
    let text: Vec<&str> = lines.iter().map(String::as_str).filter(|l| !l.is_empty()).collect();
    if text.is_empty() {
        return;
    }
    if text.len() == 1 && text[0].len() + indent.len() < 100 {
        out.push_str(&format!("{indent}/** {} */\n", text[0]));
    } else {
        out.push_str(&format!("{indent}/**\n"));
        for l in text {
            out.push_str(&format!("{indent} * {l}\n"));
        }
        out.push_str(&format!("{indent} */\n"));
    }
}

/// One declaration, exported, with its doc comment, one field per line (ts-rs writes them one
/// after the other).
fn decl<T: TS>() -> String {
    let mut out = String::new();
    if let Some(d) = T::docs() {
        let lines: Vec<String> =
            d.lines().map(str::trim).filter(|l| *l != "/**" && *l != "*/").map(|l| l.trim_start_matches('*').trim().to_string()).collect();
        doc(&mut out, "", &lines);
    }
    let raw = T::decl(&cfg());
    let mut depth = 0usize;
    let mut comment: Option<Vec<String>> = None;
    for line in raw.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(c) = comment.as_mut() {
            if t == "*/" {
                let lines = comment.take().unwrap_or_default();
                doc(&mut out, &"  ".repeat(depth), &lines);
            } else {
                c.push(t.trim_start_matches('*').trim().to_string());
            }
            continue;
        }
        if t == "/**" {
            comment = Some(Vec::new());
            continue;
        }
        let mut text = t.to_string();
        if depth == 0 && text.starts_with("type ") {
            text = format!("export {text}");
        }
        let field_end = text.ends_with(", };");
        let closes = !field_end && text.ends_with("};") && depth > 0 && !text.contains('{');
        if field_end {
            text.truncate(text.len() - 4);
            text.push(';');
        } else if depth > 0 && text.ends_with(',') {
            text.pop();
            text.push(';');
        }
        if closes {
            depth -= 1;
        }
        out.push_str(&"  ".repeat(depth));
        out.push_str(&text);
        out.push('\n');
        if field_end {
            depth = depth.saturating_sub(1);
            out.push_str(&"  ".repeat(depth));
            out.push_str("};\n");
        }
        if text.ends_with('{') {
            depth += 1;
        }
    }
    out
}

fn union(name: &str, doc: &str, items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    format!("/** {doc} */\nexport type {name} = {};\n", items.join(" | "))
}

/// The whole file.
pub fn generated() -> String {
    let mut out = String::from(
        "// GENERATED from the Rust types of the core (src/views.rs, src/ops/, src/model.rs, src/config.rs)\n\
         // by `cargo test` (src/typescript.rs). Do not edit: change the Rust types, then run\n\
         // `UPDATE_TYPES=1 cargo test typescript` to rewrite this file. js/index.d.ts re-exports it.\n\n\
         import type { ChannelInput, CtxObject, EventStatusInput, InstanceName, TimeArg } from './index.js';\n\n",
    );
    let q = |s: &str| format!("'{s}'");
    out.push_str(&union("EventStatusLabel", "Campaign's console label of an event status.", EventStatus::ALL.iter().map(|s| q(s.label()))));
    out.push('\n');
    out.push_str(&union(
        "RestStatus",
        "The Adobe Campaign Standard REST name of an event status.",
        EventStatus::ALL.iter().map(|s| q(s.rest_name())),
    ));
    out.push('\n');
    out.push_str(&union(
        "EventStatusCode",
        "Our numeric code of an event status ([U]: Campaign's values are not public), in the order of `EventStatusName`.",
        EventStatus::ALL.iter().map(|s| s.code().to_string()),
    ));
    out.push('\n');
    let channels = [
        Channel::Email,
        Channel::Sms,
        Channel::Phone,
        Channel::Paper,
        Channel::Fax,
        Channel::Agency,
        Channel::Facebook,
        Channel::Twitter,
        Channel::MobileApp,
        Channel::Ios,
        Channel::Android,
        Channel::Other,
    ];
    out.push_str(&union(
        "ChannelCode",
        "The `messageType` value of a channel (`@wishedChannel`).",
        channels.iter().map(|c| c.code().to_string()),
    ));
    out.push('\n');
    out.push_str(&union(
        "TemplateChannel",
        "Channels a transactional message template can be made for.",
        channels.iter().filter(|c| c.has_template()).map(|c| q(c.name())),
    ));
    out.push('\n');
    out.push_str(&union("CoreErrorCode", "Stable error codes of the core (src/error.rs).", ErrorCode::ALL.iter().map(|c| q(c.as_str()))));
    for d in [
        decl::<Queue>(),
        decl::<EventStatus>(),
        decl::<Channel>(),
        decl::<FailureType>(),
        decl::<WorkflowState>(),
        decl::<RunCount>(),
        decl::<TimeInput>(),
        decl::<crate::config::Schedule>(),
        decl::<crate::config::Schedules>(),
        decl::<crate::config::ChannelRates>(),
        decl::<crate::config::PersonalizationLimits>(),
        decl::<crate::config::Config>(),
        decl::<SettingsView>(),
        decl::<AccountInput>(),
        decl::<AccountPatch>(),
        decl::<AccountView>(),
        decl::<DenylistEntry>(),
        decl::<crate::ops::lend::Consumed>(),
        decl::<EventType>(),
        decl::<SeedInput>(),
        decl::<Seed>(),
        decl::<TemplateInput>(),
        decl::<TemplatePatch>(),
        decl::<TemplateView>(),
        decl::<crate::ops::blocks::BlockInput>(),
        decl::<crate::ops::blocks::BlockPatch>(),
        decl::<crate::ops::blocks::BlockView>(),
        decl::<crate::ops::blocks::OptionView>(),
        decl::<crate::ops::catalogue::TemplateProblem>(),
        decl::<PublishResult>(),
        decl::<Preview>(),
        decl::<PublishedCopyView>(),
        decl::<DeliveryView>(),
        decl::<PushedEvent>(),
        decl::<StatusChangeView>(),
        decl::<EventView>(),
        decl::<BroadLogLine>(),
        decl::<BroadLogView>(),
        decl::<TemplateRef>(),
        decl::<EventStory>(),
        decl::<ListFilter>(),
        decl::<ListPage>(),
        decl::<CountFilter>(),
        decl::<StatusCounts>(),
        decl::<Counts>(),
        decl::<McPing>(),
        decl::<WorkflowView>(),
        decl::<RunLogView>(),
        decl::<Journal>(),
        decl::<crate::ops::activity::Activity>(),
        decl::<crate::ops::activity::ActivityLine>(),
        decl::<crate::ops::activity::ActivityLink>(),
        decl::<crate::ops::activity::LinkKind>(),
        decl::<crate::ops::over_time::OverTimeRequest>(),
        decl::<crate::ops::over_time::OverTime>(),
        decl::<crate::ops::over_time::OverTimePoint>(),
        decl::<crate::exercise::Exercise>(),
        decl::<crate::exercise::Start>(),
        decl::<crate::exercise::StepDef>(),
        decl::<crate::exercise::Check>(),
        decl::<crate::exercise::ExerciseInfo>(),
        decl::<crate::exercise::Progress>(),
        decl::<crate::exercise::StepProgress>(),
        decl::<crate::ops::admin::ConnectionTest>(),
        decl::<crate::ops::catalogue::ProofResult>(),
        decl::<crate::state::Proof>(),
        decl::<crate::ops::personalization::PersonalizationMenu>(),
        decl::<crate::ops::personalization::MenuGroup>(),
        decl::<crate::ops::personalization::MenuItem>(),
        decl::<crate::state::ConnectionMethod>(),
        decl::<crate::ops::setup::SetupChecklist>(),
        decl::<crate::ops::setup::SetupItem>(),
        decl::<crate::ops::setup::SetupPlace>(),
        decl::<crate::exercise::CompletionRecord>(),
        decl::<crate::exercise::RecordedExercise>(),
        decl::<crate::exercise::RecordedStep>(),
        decl::<crate::exercise::Verification>(),
        decl::<crate::exercise::Finding>(),
        decl::<RunResult>(),
        decl::<AdvanceResult>(),
        decl::<Deleted>(),
        decl::<DueStep>(),
        decl::<EnumValue>(),
        decl::<TestAddress>(),
        decl::<ErrorCodeView>(),
        decl::<Enumerations>(),
        decl::<SoapFaultView>(),
        decl::<SoapReply>(),
        decl::<crate::security::Operator>(),
        decl::<crate::views::InstanceKeys>(),
        decl::<TimelineStep>(),
        decl::<GenerateProgress>(),
        decl::<Kpi>(),
        decl::<PivotRow>(),
        decl::<ReportHour>(),
        decl::<ReportDay>(),
        decl::<Report>(),
        decl::<crate::views::HistoryPivot>(),
        decl::<crate::views::PivotNode>(),
        decl::<crate::views::PivotCell>(),
        decl::<crate::ops::report::ReportFilter>(),
        decl::<crate::ops::generate::GenerateSpec>(),
        decl::<crate::ops::OpenRequest>(),
        decl::<crate::ops::push::PushRequest>(),
        decl::<crate::ops::soap::SoapRequest>(),
        decl::<crate::security::Caller>(),
        decl::<crate::ops::generate::GenerateState>(),
        decl::<crate::ops::Request>(),
        decl::<crate::ops::Query>(),
    ] {
        out.push('\n');
        out.push_str(&d);
    }
    out
}

/// A generated file of the repository (`js/…`): rewritten with `UPDATE_TYPES=1`, else compared.
#[cfg(test)]
pub(crate) fn check_generated(file: &str, want: &str) {
    let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var("UPDATE_TYPES").is_ok_and(|v| v == "1") {
        std::fs::write(&path, want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "{file} is not what the Rust code produces: run `UPDATE_TYPES=1 cargo test typescript` and commit the file");
}

#[test]
fn typescript_declarations_are_generated_from_the_rust_types() {
    check_generated("js/generated.d.ts", &generated());
}
