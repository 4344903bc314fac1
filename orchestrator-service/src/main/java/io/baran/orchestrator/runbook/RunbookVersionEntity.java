package io.baran.orchestrator.runbook;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;

/** One accepted version of a runbook: never changed once stored (the database refuses it too). */
@Entity
@Immutable
@Table(name = "runbook_version")
public class RunbookVersionEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "runbook_name", nullable = false)
    public String runbookName;

    @Column(nullable = false)
    public int number;

    @Column(nullable = false)
    public String sha256;

    /** The YAML text exactly as accepted. */
    @Column(nullable = false)
    public String content;

    @Column(nullable = false)
    public String author;

    /** {@code api}, or the file it was loaded from at start. */
    @Column(nullable = false)
    public String source;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
