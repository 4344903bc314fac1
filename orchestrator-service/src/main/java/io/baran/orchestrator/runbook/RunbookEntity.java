package io.baran.orchestrator.runbook;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A runbook's name and where its versions stand. */
@Entity
@Table(name = "runbook")
public class RunbookEntity extends PanacheEntityBase {

    @Id
    public String name;

    @Column(name = "latest_version", nullable = false)
    public int latestVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Set when the runbook was deleted; a later accepted version brings it back. */
    @Column(name = "deleted_at")
    public Instant deletedAt;
}
