package io.baran.workflow;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * Who acted: a person verified from their bearer token (never a header the client chose), or the system
 * acting on a detector's outage event.
 *
 * @param name    the verified principal ({@code preferred_username}, else {@code sub}); {@code system} for
 *                executions an outage event started
 * @param groups  the groups (roles) the token gave; empty for the system
 * @param eventId for the system, the id of the outage event it acted on; null for a person
 */
public record Actor(String name, List<String> groups, String eventId) {

    public static final String SYSTEM = "system";

    public Actor {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    public static Actor person(String name, List<String> groups) {
        return new Actor(name, groups, null);
    }

    public static Actor system(String eventId) {
        return new Actor(SYSTEM, List.of(), eventId);
    }

    /** Not a property: Temporal's JSON converter refuses fields it does not know, so it must not be written. */
    @JsonIgnore
    public boolean isSystem() {
        return SYSTEM.equals(name) && eventId != null;
    }

    public boolean hasGroup(String group) {
        return groups.contains(group);
    }
}
