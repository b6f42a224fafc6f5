"""One screen per module; dialogs are `ModalScreen`s that dismiss a value."""
