"""Background jobs (OPS-5): long work run by a worker outside the request, with its
progress and result on a page for the person who started it. docs/adr/0018."""
