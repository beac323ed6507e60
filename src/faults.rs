//! Test-only fault injection (`--features fault-injection`): an event of type `__panic__` (at push,
//! before any read), an event of type `__panic_late__` (when rtEventsProcessing routes it, after
//! the step's reads) and the template `__panic__` (in a query) panic inside the engine, as a bug
//! would, so that the shell's recovery can be tested.

/// Panics when a step routes the late trigger.
pub(crate) fn check_late(event_type: &str) {
    if event_type == "__panic_late__" {
        panic!("injected panic after the reads (fault-injection build)");
    }
}

/// Panics for the trigger name.
pub(crate) fn check(name: &str) {
    if name == "__panic__" {
        panic!("injected panic (fault-injection build)");
    }
}
