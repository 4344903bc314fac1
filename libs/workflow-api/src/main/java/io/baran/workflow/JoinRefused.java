package io.baran.workflow;

/**
 * The workflow's refusal of an outage's join ({@link RunbookWorkflow#joinOutage}): the execution acts on no further
 * outage (it made its last decision and ends, or it is being aborted), so the outage needs an execution of its own. The
 * class's name is the failure type Temporal carries the refusal as ({@link #TYPE}).
 */
public final class JoinRefused extends IllegalStateException {

    /** The failure type of the refusal, as the dispatcher receives it. */
    public static final String TYPE = JoinRefused.class.getName();

    public JoinRefused(String message) {
        super(message);
    }
}
