"""Form rendering in Scottish Government Design System markup."""
