//! Personalization blocks (`nms:includeView`) and options (`xtk:option`) of the control: what
//! templates include with `<%@ include view='…' %>` and `<%@ include option='…' %>`. Built-in
//! blocks and options exist with defaults (`script/builtin-blocks.json`,
//! `script/builtin-options.json`); the control's own ones come first. A template is compiled
//! with them at save (so an include of nothing is refused there), and publication copies the
//! ones it uses into the published copy: a change of a block reaches the execution instances at
//! the next publication of the templates that use it, as in Campaign.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{err, Error, ErrorCode, Result};
use crate::render::{Includes, Parsed};
use crate::state::{PersonalizationBlock, PublishedIncludes, State};
use crate::txn::Txn;
use crate::views::OpResult;

/// A new personalization block.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BlockInput {
    /// Internal name.
    pub name: String,
    /// Label (the name by default).
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
    /// Its JSSP (empty by default).
    #[serde(default)]
    #[ts(as = "Option<String>", optional)]
    pub source: String,
}

/// Changes of a personalization block.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BlockPatch {
    /// New label.
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
    /// New JSSP.
    #[serde(default)]
    #[ts(optional)]
    pub source: Option<String>,
}

/// A personalization block as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlockView {
    /// Internal name.
    pub name: String,
    /// Label.
    pub label: String,
    /// Its JSSP.
    pub source: String,
    /// A built-in block (as shipped, or changed: see `changed`).
    pub builtin: bool,
    /// A built-in block the control changed.
    pub changed: bool,
    /// The templates of the control that include it (directly or through another block).
    pub used_by: Vec<String>,
}

/// An option as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OptionView {
    /// Name (`NmsServer_URL`…).
    pub name: String,
    /// Value.
    pub value: String,
    /// A built-in option (with a default).
    pub builtin: bool,
    /// Set to another value than its default (or a custom option).
    pub set: bool,
    /// The templates of the control that include it.
    pub used_by: Vec<String>,
}

/// Largest JSSP of a block, or value of an option, in bytes.
const MAX_BYTES: usize = 256 * 1024;

/// The blocks and options templates of the control may include now.
pub fn includes_of(st: &State) -> Includes {
    Includes { blocks: st.blocks.iter().map(|(k, b)| (k.clone(), b.source.clone())).collect(), options: st.options.clone() }
}

/// What a published copy includes: the blocks and options the compiled fields use.
pub fn published_includes(parsed: &Parsed, includes: &Includes) -> PublishedIncludes {
    let (blocks, options) = parsed.uses();
    use crate::script::jssp::Includes as _;
    PublishedIncludes {
        blocks: blocks.iter().filter_map(|b| includes.block(b).map(|s| (b.clone(), s.to_string()))).collect(),
        options: options.iter().filter_map(|o| includes.option(o).map(|v| (o.clone(), v))).collect(),
    }
}

/// The includes of a published copy (its blocks and options as published; a copy published
/// before blocks existed uses the built-in ones).
pub fn of_published(p: &PublishedIncludes) -> Includes {
    Includes { blocks: p.blocks.clone(), options: p.options.clone() }
}

/// The templates of the control whose fields use each block and option.
fn users(st: &State, includes: &Includes) -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, BTreeSet<String>>) {
    let mut blocks: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut options: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in st.templates.values() {
        let (b, o) = Parsed::compile(&t.subject, &t.html, &t.text, includes).uses();
        for n in b {
            blocks.entry(n).or_default().insert(t.name.clone());
        }
        for n in o {
            options.entry(n).or_default().insert(t.name.clone());
        }
    }
    (blocks, options)
}

fn check_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes().first().is_some_and(u8::is_ascii_digit);
    if !ok {
        return err(
            ErrorCode::InvalidArgument,
            format!(
                "{what} '{}' is not a valid internal name (letters, digits and _, not starting with a digit, at most 64)",
                crate::tree::excerpt(name)
            ),
        );
    }
    Ok(())
}

fn check_text(what: &str, v: &str) -> Result<()> {
    if v.len() > MAX_BYTES {
        return err(ErrorCode::InputTooLarge, format!("the {what} is {} bytes, over the limit of {MAX_BYTES} bytes", v.len()));
    }
    crate::events::check_xml_chars(what, v)
}

/// Every template of the control compiles with these includes; else the error of the first that
/// does not, naming it.
fn templates_compile(st: &State, includes: &Includes, why: &str) -> Result<()> {
    for t in st.templates.values() {
        if let Err(e) = Parsed::compile(&t.subject, &t.html, &t.text, includes).check(ErrorCode::TemplateSyntax) {
            return Err(Error::new(
                ErrorCode::TemplateSyntax,
                format!("{why}: the template '{}' would no longer compile: {}", t.name, e.message),
            ));
        }
    }
    Ok(())
}

/// Creates a personalization block (or changes a built-in one: a block of the same name).
pub fn create(txn: &mut Txn<'_>, b: BlockInput) -> Result<OpResult> {
    check_name("personalization block", &b.name)?;
    if txn.st().blocks.contains_key(&b.name) {
        return err(ErrorCode::DuplicateBlock, format!("a personalization block named '{}' exists already", b.name));
    }
    check_text("block's JSSP", &b.source)?;
    let label = b.label.unwrap_or_else(|| b.name.clone());
    crate::ops::catalogue::check_label(&label)?;
    let block = PersonalizationBlock { name: b.name.clone(), label, source: b.source, last_modified: txn.now() };
    let mut includes = includes_of(txn.st());
    includes.blocks.insert(block.name.clone(), block.source.clone());
    check_block(&block, &includes)?;
    templates_compile(txn.st(), &includes, &format!("the personalization block '{}'", block.name))?;
    txn.put_block(block.clone());
    Ok(OpResult::Block(view(txn.st(), &block.name)?))
}

/// A block's own JSSP compiles (its includes included).
fn check_block(b: &PersonalizationBlock, includes: &Includes) -> Result<()> {
    // The block's own text, compiled as a template would include it: errors at its line and
    // column (field `source`); an include of itself, directly or not, is a cycle there.
    Parsed::compile("", &b.source, "", includes).check(ErrorCode::TemplateSyntax).map_err(|e| {
        let at = e.at.clone();
        let e = Error::new(
            ErrorCode::TemplateSyntax,
            format!("personalization block '{}': {}", b.name, e.message.trim_start_matches("HTML body: ")),
        );
        match at {
            Some(a) => e.at("source", a.line, a.column),
            None => e,
        }
    })
}

/// Changes a personalization block; the templates that use it must still compile.
pub fn update(txn: &mut Txn<'_>, name: &str, patch: BlockPatch) -> Result<OpResult> {
    let mut block = match txn.st().blocks.get(name) {
        Some(b) => b.clone(),
        None => match crate::script::builtin_block(name) {
            // The first change of a built-in block makes it the control's own.
            Some(src) => PersonalizationBlock {
                name: name.to_owned(),
                label: builtin_label(name).to_owned(),
                source: src.to_owned(),
                last_modified: 0,
            },
            None => return err(ErrorCode::UnknownBlock, format!("no personalization block named '{}'", crate::tree::excerpt(name))),
        },
    };
    if let Some(l) = patch.label {
        crate::ops::catalogue::check_label(&l)?;
        block.label = l;
    }
    if let Some(s) = patch.source {
        check_text("block's JSSP", &s)?;
        block.source = s;
    }
    block.last_modified = txn.now();
    let mut includes = includes_of(txn.st());
    includes.blocks.insert(block.name.clone(), block.source.clone());
    check_block(&block, &includes)?;
    templates_compile(txn.st(), &includes, &format!("the personalization block '{name}'"))?;
    txn.put_block(block);
    Ok(OpResult::Block(view(txn.st(), name)?))
}

/// Deletes a block of the control (a changed built-in one goes back to its default); refused
/// while a template includes it.
pub fn delete(txn: &mut Txn<'_>, name: &str) -> Result<OpResult> {
    if !txn.st().blocks.contains_key(name) {
        return err(
            ErrorCode::UnknownBlock,
            format!("no personalization block named '{}' (a built-in block cannot be deleted)", crate::tree::excerpt(name)),
        );
    }
    let mut includes = includes_of(txn.st());
    includes.blocks.remove(name);
    let (users, _) = users(txn.st(), &includes_of(txn.st()));
    if crate::script::builtin_block(name).is_none() {
        if let Some(t) = users.get(name).filter(|u| !u.is_empty()) {
            return err(
                ErrorCode::BlockInUse,
                format!(
                    "the personalization block '{name}' is included by {}: remove the include first",
                    t.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
    templates_compile(txn.st(), &includes, &format!("deleting the personalization block '{name}'"))?;
    txn.remove_block(name);
    Ok(OpResult::Deleted(crate::views::Deleted { deleted: name.to_string() }))
}

/// Sets an option's value (None: back to its default, or gone for a custom one).
pub fn set_option(txn: &mut Txn<'_>, name: &str, value: Option<String>) -> Result<OpResult> {
    check_name("option", name)?;
    let mut includes = includes_of(txn.st());
    match &value {
        Some(v) => {
            check_text("option's value", v)?;
            includes.options.insert(name.to_owned(), v.clone());
        }
        None => {
            includes.options.remove(name);
        }
    }
    templates_compile(txn.st(), &includes, &format!("the option '{name}'"))?;
    match value {
        Some(v) => {
            txn.options_mut().insert(name.to_owned(), v);
        }
        None => {
            if txn.st().options.contains_key(name) {
                txn.options_mut().remove(name);
            }
        }
    }
    Ok(OpResult::Option(option_views(txn.st()).into_iter().find(|o| o.name == name).unwrap_or(OptionView {
        name: name.to_owned(),
        value: String::new(),
        builtin: false,
        set: false,
        used_by: Vec::new(),
    })))
}

/// The labels of the built-in blocks, as Campaign's list shows them ([C] Experience League
/// "Personalization blocks"; `UnsubscriptionLink`'s internal name is ours [I]).
fn builtin_label(name: &str) -> &str {
    match name {
        "MirrorPage" => "Link to mirror page",
        "MirrorPageUrl" => "Mirror page URL",
        "toSmartCase" => "Formatting function for proper nouns",
        "Greetings" => "Greetings",
        "NotificationStyle" => "Notification style",
        "UnsubscriptionLink" => "Unsubscription link",
        other => other,
    }
}

/// One block as the API shows it.
pub fn view(st: &State, name: &str) -> Result<BlockView> {
    block_views(st)
        .into_iter()
        .find(|b| b.name == name)
        .ok_or_else(|| Error::new(ErrorCode::UnknownBlock, format!("no personalization block named '{}'", crate::tree::excerpt(name))))
}

/// Every block: the control's and the built-in ones, by name.
pub fn block_views(st: &State) -> Vec<BlockView> {
    let (users, _) = users(st, &includes_of(st));
    let mut out: BTreeMap<String, BlockView> = BTreeMap::new();
    for name in crate::script::builtin_block_names() {
        out.insert(
            name.to_owned(),
            BlockView {
                name: name.to_owned(),
                label: builtin_label(name).to_owned(),
                source: crate::script::builtin_block(name).unwrap_or_default().to_owned(),
                builtin: true,
                changed: false,
                used_by: Vec::new(),
            },
        );
    }
    for b in st.blocks.values() {
        let builtin = crate::script::builtin_block(&b.name).is_some();
        out.insert(
            b.name.clone(),
            BlockView {
                name: b.name.clone(),
                label: b.label.clone(),
                source: b.source.clone(),
                builtin,
                changed: builtin,
                used_by: Vec::new(),
            },
        );
    }
    for (name, v) in &mut out {
        v.used_by = users.get(name).map(|u| u.iter().cloned().collect()).unwrap_or_default();
    }
    out.into_values().collect()
}

/// Every option: the built-in ones and the control's, by name.
pub fn option_views(st: &State) -> Vec<OptionView> {
    let (_, users) = users(st, &includes_of(st));
    let mut out: BTreeMap<String, OptionView> = BTreeMap::new();
    for (name, value) in crate::script::builtin_options() {
        out.insert(
            name.to_owned(),
            OptionView { name: name.to_owned(), value: value.to_owned(), builtin: true, set: false, used_by: Vec::new() },
        );
    }
    for (name, value) in &st.options {
        let builtin = crate::script::builtin_option(name).is_some();
        out.insert(name.clone(), OptionView { name: name.clone(), value: value.clone(), builtin, set: true, used_by: Vec::new() });
    }
    for (name, v) in &mut out {
        v.used_by = users.get(name).map(|u| u.iter().cloned().collect()).unwrap_or_default();
    }
    out.into_values().collect()
}
