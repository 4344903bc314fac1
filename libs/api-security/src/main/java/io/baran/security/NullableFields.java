package io.baran.security;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * The API's records are written by Jackson with every field, a field without a value as {@code null} (the JSON the API
 * always sent), so the document says so: a property may be {@code null} unless the schema requires it or it is a
 * {@code boolean} or 32-bit integer (primitives in every record the API sends; a 64-bit one may be a nullable
 * {@code Long}, as the audit page's {@code next}). Without this, OpenAPI 3.1's {@code type: string} refuses
 * {@code null} and a client validating answers would reject correct ones.
 * <p>
 * No property of the API is write-only either: smallrye reads a {@code @JsonIgnore}d helper such as the runbook
 * model's {@code Step.isParallel()} as hiding the property {@code parallel} from answers, where Jackson still writes it.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class NullableFields implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
            return;
        }
        openAPI.getComponents().getSchemas().values().forEach(NullableFields::allowNulls);
    }

    private static void allowNulls(Schema object) {
        if (object.getProperties() == null) {
            return;
        }
        List<String> required = object.getRequired() == null ? List.of() : object.getRequired();
        object.getProperties().forEach((name, property) -> {
            if (Boolean.TRUE.equals(property.getWriteOnly())) {
                property.setWriteOnly(null);
            }
            allowNulls(property);
            if (!required.contains(name)) {
                allowNull(property);
            }
        });
    }

    private static void allowNull(Schema property) {
        if (property.getRef() != null) {
            // A $ref cannot take a type beside it: "anyOf": [{"$ref": ...}, {"type": "null"}].
            Schema ref = OASFactory.createSchema().ref(property.getRef());
            property.setRef(null);
            property.setAnyOf(List.of(ref, OASFactory.createSchema().addType(Schema.SchemaType.NULL)));
            return;
        }
        List<Schema.SchemaType> types = property.getType();
        if (types == null
                || types.isEmpty()
                || types.contains(Schema.SchemaType.NULL)
                || types.contains(Schema.SchemaType.BOOLEAN)
                || (types.contains(Schema.SchemaType.INTEGER) && "int32".equals(property.getFormat()))) {
            return;
        }
        property.addType(Schema.SchemaType.NULL);
    }
}
