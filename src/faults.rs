//! Test-only fault injection (`--features fault-injection`): an event of type `__panic__` (in an
//! operation) and the template `__panic__` (in a query) panic inside the engine, as a bug would,
//! so that the shell's recovery can be tested.

/// Panics for the trigger name.
pub(crate) fn check(name: &str) {
    if name == "__panic__" {
        panic!("injected panic (fault-injection build)");
    }
}
