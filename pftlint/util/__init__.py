"""Small utilities: printable (text made safe to print), atomic (safe writes), progress (progress bars)."""
