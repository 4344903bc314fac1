package io.baran.runbook;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.representer.Representer;

/**
 * One action of the runbook format: it declares its {@code with:} block ({@link ActionSpec}), binds it
 * with every violation reported, and names the providers it uses. Each action is a subclass; the
 * {@link ActionCatalog} gathers them. Control flow (parallel, failback, compensation) belongs to the
 * workflow, not here.
 */
public abstract class ActionType {

    private final ActionSpec spec;

    protected ActionType(ActionSpec spec) {
        this.spec = spec;
    }

    public final ActionSpec spec() {
        return spec;
    }

    public final String name() {
        return spec.name();
    }

    /**
     * The {@code with:} values, each of its declared type, after the action's own checks. A value with an
     * error is left out; the errors are in the block.
     */
    public final Map<String, Object> bind(WithBlock with) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ActionSpec.Field field : spec.fields().values()) {
            if (!with.has(field.name())) {
                if (field.required()) {
                    with.missing(field.name(), "is required by " + spec.name() + " (" + field.doc() + ")");
                }
                continue;
            }
            Optional<?> value = switch (field.type()) {
                case STRING, PROVIDER ->
                    (field.allowed().isEmpty() ? with.string(field.name()) : with.oneOf(field.name(), field.allowed()))
                            .filter(text -> notBlank(with, field, text));
                case INT -> with.integer(field.name()).filter(n -> inRange(with, field, n));
                case BOOL -> with.bool(field.name());
                case DURATION -> with.duration(field.name());
                case STRING_OR_LIST -> with.stringOrList(field.name());
                case NUMBER_MAP -> with.numberMap(field.name(), field.min(), field.max());
            };
            value.ifPresent(v -> values.put(field.name(), v));
        }
        check(values, with);
        return values;
    }

    /**
     * Binds a {@code with:} block given as plain values, as it reaches a worker after crossing the workflow
     * history as JSON: the same fields, types, limits and checks as {@link #bind(WithBlock)} applies to a
     * runbook, every violation reported (with its path, {@code with.ttl}, and no position). A field the action
     * does not declare is a violation too.
     */
    public final BoundWith bind(Map<String, ?> with) {
        Map<String, Object> given = new TreeMap<>();
        if (with != null) {
            with.forEach((key, value) -> given.put(String.valueOf(key), value));
        }
        YamlTree tree = new YamlTree(spec.name());
        Node block = new Representer(new DumperOptions()).represent(given);
        Map<String, Node> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) block).getValue()) {
            String key = ((ScalarNode) tuple.getKeyNode()).getValue();
            if (spec.fields().containsKey(key)) {
                fields.put(key, tuple.getValueNode());
            } else {
                tree.error(
                        null,
                        "with." + key,
                        "is not a field of " + spec.name()
                                + YamlTree.didYouMean(key, spec.fields().keySet()) + " (fields: "
                                + String.join(", ", spec.fields().keySet()) + ")");
            }
        }
        Map<String, Object> values =
                bind(new WithBlock(tree, "with", block, fields, new IdentityHashMap<>(), Set.of()));
        return new BoundWith(spec, values, tree.errors());
    }

    private static boolean notBlank(WithBlock with, ActionSpec.Field field, String text) {
        if (text.isBlank()) {
            with.error(field.name(), "must not be empty");
            return false;
        }
        return true;
    }

    private static boolean inRange(WithBlock with, ActionSpec.Field field, long n) {
        if ((field.min() != null && n < field.min()) || (field.max() != null && n > field.max())) {
            with.error(field.name(), n + " is out of range (" + field.min() + " to " + field.max() + ")");
            return false;
        }
        return true;
    }

    /**
     * Checks that only this action knows about, beyond each field's type; reports through
     * {@link WithBlock#error}. {@code values} holds the fields that bound.
     */
    protected void check(Map<String, Object> values, WithBlock with) {}

    /** The providers the bound step names, with the capability each needs. */
    public List<ProviderUse> providerUses(Map<String, Object> values) {
        List<ProviderUse> uses = new ArrayList<>();
        for (ActionSpec.Field field : spec.fields().values()) {
            if (field.type() == ActionSpec.Type.PROVIDER && values.get(field.name()) instanceof String provider) {
                uses.add(new ProviderUse(field.name(), provider, spec.capability()));
            }
        }
        return uses;
    }
}
