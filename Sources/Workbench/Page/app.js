// Placeholder: the page helper fills this file.
