"""The Scottish Government Design System look: base layout, components, form rendering."""
