package io.baran.orchestrator.runbook;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An execution and the exact runbook version it ran. */
@Entity
@Table(name = "runbook_execution")
public class RunbookExecutionEntity extends PanacheEntityBase {

    /** The Temporal workflow id. */
    @Id
    @Column(name = "execution_id")
    public String executionId;

    @Column(name = "runbook_name", nullable = false)
    public String runbookName;

    @Column(name = "runbook_version", nullable = false)
    public int runbookVersion;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    /** When the outage it answers began, as the detectors saw it; null when no outage started it. */
    @Column(name = "outage_since")
    public Instant outageSince;

    /** Set once Temporal reports the execution closed; null while it may still run. */
    @Column(name = "finished_at")
    public Instant finishedAt;
}
