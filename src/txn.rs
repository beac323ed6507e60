//! The transaction of one operation: typed access to the small state, where every mutable
//! accessor marks the record it changes (so that no call site names a key), the records to write,
//! and the execution events changed (for the archiving change log). The engine turns it into one
//! storage write at the end of the operation, or undoes it.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::error::Result;
use crate::io::Writes;
use crate::keys::{self, Rec, Scope};
use crate::pages::Page;
use crate::records::IdList;
use crate::render::Cache;
use crate::state::{Account, Control, Delivery, EventType, InstMeta, PublishedCopy, State, Template, Workflow};

/// What an operation changed so far (kept by the engine between reads).
#[derive(Debug, Default)]
pub(crate) struct TxnLog {
    /// Small-state records changed.
    pub dirty: BTreeSet<Rec>,
    /// Other records to write.
    pub writes: Writes,
    /// Pages of execution events changed, per instance: the step's change record.
    pub changes: BTreeMap<u8, BTreeSet<u64>>,
    /// Ranges the operation knows held no record before it (pages it creates), for the cache.
    pub empty: Vec<(String, String)>,
}

/// The transaction an operation works in.
pub(crate) struct Txn<'a> {
    st: &'a mut State,
    log: &'a mut TxnLog,
    /// Parsed templates (not part of the state: derived from it).
    pub templates: &'a mut Cache,
}

impl<'a> Txn<'a> {
    /// A transaction over the state.
    pub fn new(st: &'a mut State, log: &'a mut TxnLog, templates: &'a mut Cache) -> Txn<'a> {
        Txn { st, log, templates }
    }

    /// The state as it stands in the transaction.
    pub fn st(&self) -> &State {
        self.st
    }

    /// The virtual clock.
    pub fn now(&self) -> i64 {
        self.st.clock
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.st.config
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.st.seed
    }

    fn touch(&mut self, r: Rec) {
        self.log.dirty.insert(r);
    }

    /// Sets the clock.
    pub fn set_clock(&mut self, t: i64) {
        if self.st.clock != t {
            self.st.clock = t;
            self.touch(Rec::Clock);
        }
    }

    /// Writes the clock record even if the clock did not move (a new store).
    pub fn mark_clock(&mut self) {
        self.touch(Rec::Clock);
    }

    /// Writes the format record (a new store, or one migrated).
    pub fn mark_format(&mut self, format: u32) {
        self.st.format = format;
        self.touch(Rec::Format);
    }

    /// Where a migration of the pages is (None: not under way).
    pub fn set_migration(&mut self, last: Option<String>) {
        self.st.migration = last;
        self.touch(Rec::Migration);
    }

    /// Sets the seed (a new store).
    pub fn set_seed(&mut self, seed: u64) {
        self.st.seed = seed;
        self.touch(Rec::Settings);
    }

    /// The configuration, to change.
    pub fn config_mut(&mut self) -> &mut Config {
        self.touch(Rec::Settings);
        &mut self.st.config
    }

    /// The external accounts, to change.
    pub fn accounts_mut(&mut self) -> &mut BTreeMap<String, Account> {
        self.touch(Rec::Accounts);
        &mut self.st.accounts
    }

    /// The `eventType` enumeration, to change.
    pub fn event_types_mut(&mut self) -> &mut BTreeMap<String, EventType> {
        self.touch(Rec::Types);
        &mut self.st.event_types
    }

    /// A template, to change.
    pub fn template_mut(&mut self, name: &str) -> Option<&mut Template> {
        if self.st.templates.contains_key(name) {
            self.touch(Rec::Template(name.to_string()));
        }
        self.st.templates.get_mut(name)
    }

    /// Adds or replaces a template.
    pub fn put_template(&mut self, t: Template) {
        self.touch(Rec::Template(t.name.clone()));
        self.st.templates.insert(t.name.clone(), t);
    }

    /// Adds or replaces a personalization block.
    pub fn put_block(&mut self, b: crate::state::PersonalizationBlock) {
        self.touch(Rec::Block(b.name.clone()));
        self.st.blocks.insert(b.name.clone(), b);
    }

    /// Deletes a personalization block.
    pub fn remove_block(&mut self, name: &str) {
        self.touch(Rec::Block(name.to_string()));
        self.st.blocks.remove(name);
    }

    /// The options, to change.
    pub fn options_mut(&mut self) -> &mut BTreeMap<String, String> {
        self.touch(Rec::Options);
        &mut self.st.options
    }

    /// Deletes a template.
    pub fn remove_template(&mut self, name: &str) {
        self.touch(Rec::Template(name.to_string()));
        self.st.templates.remove(name);
    }

    /// The published copies of an execution instance, to change.
    pub fn published_mut(&mut self, ii: u8) -> &mut BTreeMap<String, PublishedCopy> {
        self.touch(Rec::Published(ii));
        self.st.published.entry(ii).or_default()
    }

    /// The execution deliveries of an instance, to change.
    pub fn deliveries_mut(&mut self, ii: u8) -> &mut BTreeMap<String, Delivery> {
        self.touch(Rec::Deliveries(ii));
        self.st.deliveries.entry(ii).or_default()
    }

    /// An instance's sequences, hints and counters, to change.
    pub fn inst_mut(&mut self, ii: u8) -> &mut InstMeta {
        self.touch(Rec::Inst(ii));
        self.st.inst.entry(ii).or_default()
    }

    /// A workflow, to change.
    pub fn workflow_mut(&mut self, key: &str) -> Option<&mut Workflow> {
        if self.st.workflows.contains_key(key) {
            self.touch(Rec::Workflow(key.to_string()));
        }
        self.st.workflows.get_mut(key)
    }

    /// Adds a workflow.
    pub fn put_workflow(&mut self, key: String, wf: Workflow) {
        self.touch(Rec::Workflow(key.clone()));
        self.st.workflows.insert(key, wf);
    }

    /// Adds a session of Logon (its own record), by the hash of its token.
    pub fn put_session(&mut self, hash: String, s: crate::sessions::Session) {
        self.touch(Rec::Session(hash.clone()));
        self.st.sessions.insert(hash, s);
    }

    /// Deletes a session of Logon, by the hash of its token.
    pub fn remove_session(&mut self, hash: &str) {
        if self.st.sessions.remove(hash) {
            self.touch(Rec::Session(hash.to_string()));
        }
    }

    /// Migrating from storage format 2: writes every session as its own record and deletes the
    /// one record that held them all.
    pub fn split_legacy_sessions(&mut self) {
        let hashes: Vec<String> = self.st.sessions.iter().map(|(h, _)| h.clone()).collect();
        for h in hashes {
            self.touch(Rec::Session(h));
        }
        self.touch(Rec::LegacySessions);
    }

    /// The control-wide state, to change.
    pub fn control_mut(&mut self) -> &mut Control {
        self.touch(Rec::Control);
        &mut self.st.control
    }

    /// Tells that `[gte, lt)` held no record before this operation (a page it creates): once it
    /// commits, the engine's cache knows the whole range.
    pub fn known_empty(&mut self, gte: String, lt: String) {
        self.log.empty.push((gte, lt));
    }

    /// Puts a record that is not small state.
    pub fn put(&mut self, key: String, value: String) {
        self.log.writes.put(key, value);
    }

    /// Deletes a record that is not small state.
    pub fn del(&mut self, key: String) {
        self.log.writes.del(key);
    }

    /// Writes what a page changed: its records, the counters it moved (the instance's for an
    /// execution page, the control's for a history page), and, for an execution page whose events
    /// changed, the page into the step's change record.
    pub fn finish_page(&mut self, page: Page) -> Result<()> {
        let id = page.id;
        let changed = page.changed_slots();
        let deltas = page.finish(&mut self.log.writes)?;
        if deltas.is_empty() && changed.is_empty() {
            return Ok(());
        }
        let counters = match id.scope {
            Scope::Exec => &mut self.inst_mut(id.ii).counters,
            Scope::Histo => &mut self.control_mut().counters,
        };
        for (old, new) in &deltas {
            counters.apply(old.as_ref(), new.as_ref());
        }
        if id.scope == Scope::Exec && !changed.is_empty() {
            self.log.changes.entry(id.ii).or_default().insert(id.pg);
        }
        Ok(())
    }

    /// Writes every page of a step, in page order.
    pub fn finish_pages(&mut self, pages: BTreeMap<keys::PageId, Page>) -> Result<()> {
        for (_, p) in pages {
            self.finish_page(p)?;
        }
        Ok(())
    }

    /// Ends the operation: the change records of the step (one per instance), then the changed
    /// small-state records. Returns the writes and the small-state records they carry, as
    /// written (a record that does not serialize is an error: nothing is written).
    pub fn close(&mut self) -> Result<(Writes, BTreeMap<Rec, Option<String>>)> {
        let now = self.now();
        for (ii, pages) in std::mem::take(&mut self.log.changes) {
            let m = self.inst_mut(ii);
            let n = m.next_qseq();
            m.chg_since = Some(m.chg_since.map_or(now, |t| t.min(now)));
            self.log.writes.put(keys::change_key(ii, now, n), IdList(pages.into_iter().collect()).encode());
        }
        // Serialized before anything is taken from the log: on an error the engine abandons the
        // operation and restores every record it changed.
        let mut records = BTreeMap::new();
        for r in &self.log.dirty {
            records.insert(r.clone(), self.st.record(r)?);
        }
        self.log.dirty.clear();
        let mut writes = std::mem::take(&mut self.log.writes);
        for (r, v) in &records {
            match v {
                Some(v) => writes.put(r.key(), v.clone()),
                None => writes.del(r.key()),
            }
        }
        Ok((writes, records))
    }
}
