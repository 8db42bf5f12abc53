"""Job writes: `jobs.services.lifecycle` (enqueue, claim, progress, finish, fail, cancel, reap),
`jobs.services.exports` (export jobs and their dedup), `jobs.services.retention` (expiry and
purge of files and old jobs). Import the submodule you need."""
