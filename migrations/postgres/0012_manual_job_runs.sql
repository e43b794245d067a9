-- A run started by hand (`POST /api/v1/renewals/run-scan/`) is recorded as `<job>:manual`, from
-- 'running' to its outcome. It may happen any number of times a day: only scheduled runs are
-- held to once a day.
DROP INDEX job_run_scheduled_once;
CREATE UNIQUE INDEX job_run_scheduled_once ON job_run(job_name, run_date)
    WHERE outcome <> 'failed' AND job_name NOT LIKE '%:manual';
