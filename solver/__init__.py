"""Selection: rules resolved to numbers, the model compiled to sparse form, backends, the independent checker."""
