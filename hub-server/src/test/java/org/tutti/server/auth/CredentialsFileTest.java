package org.tutti.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.server.testing.ProcessRunner;
import org.tutti.server.testing.TempFiles;

/** JackTrip's credentials files, with hashes made by the tool operators use: {@code openssl passwd -6}. */
class CredentialsFileTest {
    /** A Wednesday at 10:30. */
    private static final LocalDateTime WEDNESDAY_MORNING = LocalDateTime.of(2026, 12, 2, 10, 30);

    private static String opensslHash(String password) throws Exception {
        ProcessRunner.Result result = ProcessRunner.run(Path.of("."), List.of("openssl", "passwd", "-6", password));
        assertEquals(0, result.exitCode(), result.output());
        return result.output().strip();
    }

    @Test
    void rightPasswordWrongPasswordUnknownUserAndTimes() throws Exception {
        Path file = TempFiles.file("creds", "");
        Files.writeString(file, String.join("\n",
                "alto:" + opensslHash("s3cret") + ":*",
                "bass:" + opensslHash("deep") + ":We0900-1200,Fr*",
                "tenor:" + opensslHash("high") + ":Mo*",
                "nobody:" + opensslHash("never") + ":",
                "broken line",
                "plain:notahash:*") + "\n");
        List<String> warnings = new ArrayList<>();
        CredentialsFile credentials = CredentialsFile.load(file, warnings::add);
        assertEquals(4, credentials.users());
        assertEquals(2, warnings.size(), String.join("\n", warnings));
        assertTrue(warnings.stream().noneMatch(w -> w.contains("notahash")), "no password field in the log");

        assertEquals(CredentialsFile.Result.OK, credentials.check("alto", "s3cret", WEDNESDAY_MORNING));
        assertEquals(CredentialsFile.Result.WRONG_CREDENTIALS, credentials.check("alto", "secret", WEDNESDAY_MORNING));
        assertEquals(CredentialsFile.Result.WRONG_CREDENTIALS, credentials.check("soprano", "s3cret", WEDNESDAY_MORNING));
        assertEquals(CredentialsFile.Result.WRONG_CREDENTIALS, credentials.check("alto", "", WEDNESDAY_MORNING));
        assertEquals(CredentialsFile.Result.WRONG_CREDENTIALS, credentials.check("plain", "notahash", WEDNESDAY_MORNING));
        assertEquals(CredentialsFile.Result.OK, credentials.check("bass", "deep", WEDNESDAY_MORNING));
        assertEquals(CredentialsFile.Result.WRONG_TIME, credentials.check("bass", "deep", WEDNESDAY_MORNING.withHour(13)));
        assertEquals(CredentialsFile.Result.OK, credentials.check("bass", "deep", WEDNESDAY_MORNING.plusDays(2).withHour(23)));
        assertEquals(CredentialsFile.Result.WRONG_TIME, credentials.check("tenor", "high", WEDNESDAY_MORNING));
        assertEquals(CredentialsFile.Result.WRONG_TIME, credentials.check("nobody", "never", WEDNESDAY_MORNING));
    }

    @Test
    void aChangedFileIsReadAgainAtTheNextLogin() throws Exception {
        Path file = TempFiles.file("creds", "");
        Files.writeString(file, "alto:" + opensslHash("one") + ":*\n");
        List<String> warnings = new ArrayList<>();
        CredentialsFile credentials = CredentialsFile.load(file, warnings::add);
        assertEquals(CredentialsFile.Result.OK, credentials.check("alto", "one", WEDNESDAY_MORNING));
        Files.writeString(file, "alto:" + opensslHash("two") + ":*\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
        assertEquals(CredentialsFile.Result.WRONG_CREDENTIALS, credentials.check("alto", "one", WEDNESDAY_MORNING));
        assertEquals(CredentialsFile.Result.OK, credentials.check("alto", "two", WEDNESDAY_MORNING));
        assertTrue(warnings.stream().anyMatch(w -> w.contains("read again")), String.join("\n", warnings));
    }

    @Test
    void timeRulesAreJackTrips() {
        assertTrue(CredentialsFile.validTimes(""));
        assertTrue(CredentialsFile.validTimes("*"));
        assertTrue(CredentialsFile.validTimes("Mo*,Tu0800-2230"));
        assertFalse(CredentialsFile.validTimes("Xx*"));
        assertFalse(CredentialsFile.validTimes("Mo2500-2600"));
        assertFalse(CredentialsFile.validTimes("Mo0900"));
        assertTrue(CredentialsFile.allowed("We1030-1030", WEDNESDAY_MORNING), "both ends included");
        assertFalse(CredentialsFile.allowed("Tu*", WEDNESDAY_MORNING));
    }
}
