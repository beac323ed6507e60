//! Test-only fault injection (`--features fault-injection`): an event of type `__panic__`
//! panics inside the engine, as a bug would, so that the shell's recovery can be tested.

/// Panics for the trigger event type.
pub(crate) fn check(event_type: &str) {
    if event_type == "__panic__" {
        panic!("injected panic (fault-injection build)");
    }
}
