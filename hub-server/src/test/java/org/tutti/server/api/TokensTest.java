package org.tutti.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who a token speaks for: the operator's link, page logins from several devices, and revocation. */
class TokensTest {
    private static Tokens tokens() throws Exception {
        Path state = Files.createTempDirectory("tokens");
        state.toFile().deleteOnExit();
        return Tokens.load(state, true);
    }

    @Test
    void aPageLoginSignsOutNeitherTheLinkNorTheSingersOtherDevice() throws Exception {
        Tokens tokens = tokens();
        String link = tokens.issue("alto-1");
        String phone = tokens.issueForLogin("alto-1");
        String laptop = tokens.issueForLogin("alto-1");
        assertEquals("alto-1", tokens.participantFor(link));
        assertEquals("alto-1", tokens.participantFor(phone));
        assertEquals("alto-1", tokens.participantFor(laptop));
        assertEquals(Principal.participant("alto-1"), tokens.principalFor(phone));
        assertNull(tokens.participantFor("pt_not-a-token"));
    }

    @Test
    void theOldestLoginGoesBeyondTheLimitAndANewLinkRevokesEveryLogin() throws Exception {
        Tokens tokens = tokens();
        List<String> logins = new ArrayList<>();
        for (int i = 0; i <= Tokens.LOGINS_PER_PARTICIPANT; i++) {
            logins.add(tokens.issueForLogin("tenor-2"));
        }
        assertNull(tokens.participantFor(logins.get(0)), "the oldest login is gone");
        assertEquals("tenor-2", tokens.participantFor(logins.get(1)));
        String other = tokens.issueForLogin("bass-1");
        String link = tokens.issue("tenor-2");
        for (String login : logins) {
            assertNull(tokens.participantFor(login), "a new link revokes the participant's logins");
        }
        assertEquals("tenor-2", tokens.participantFor(link));
        assertEquals("bass-1", tokens.participantFor(other), "another participant's login stays");
    }

    @Test
    void loginsFollowARenameAndAreNotSaved() throws Exception {
        Tokens tokens = tokens();
        String link = tokens.issue("s1");
        String login = tokens.issueForLogin("s1");
        tokens.rename("s1", "soprano-1");
        assertEquals("soprano-1", tokens.participantFor(link));
        assertEquals("soprano-1", tokens.participantFor(login));
        assertEquals(List.of("soprano-1"), List.copyOf(tokens.participantHashes().keySet()),
                "only the link's hash is in the saved state");
    }
}
