package io.baran.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AllowedMethodsTest {

    @Path("/api/runbooks")
    static class Runbooks {
        @GET
        public void list() {}

        @GET
        @Path("{name}")
        public void get() {}

        @PUT
        @Path("/{name}/")
        public void put() {}

        @DELETE
        @Path("{name}")
        public void delete() {}

        @POST
        @Path("validate")
        public void validate() {}
    }

    static class NotAResource {
        @GET
        public void get() {}
    }

    private final AllowedMethods allowed = AllowedMethods.of(List.of(Runbooks.class, NotAResource.class));

    @Test
    void eachPathNamesTheMethodsOfItsResourceMethodsWithHeadAndOptions() {
        assertEquals(Set.of("GET", "HEAD", "OPTIONS"), allowed.forPath("/api/runbooks"));
        assertEquals(Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS"), allowed.forPath("/api/runbooks/web"));
        assertEquals(
                Set.of("GET", "HEAD", "PUT", "DELETE", "POST", "OPTIONS"), allowed.forPath("api/runbooks/validate/"));
    }

    @Test
    void aParameterIsOneSegmentAndAnUnservedPathTakesNothing() {
        assertEquals(Set.of(), allowed.forPath("/api/runbooks/web/versions"));
        assertEquals(Set.of(), allowed.forPath("/elsewhere"));
    }
}
