package dev.anomalyops.features.logs.templates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenizerTest {
    private final Tokenizer tokenizer = new Tokenizer(Masking.defaults());

    private String masked(String content) {
        return String.join(" ", tokenizer.tokenize(content));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Found child 6725 in scoreboard slot 10        | Found child <*> in scoreboard slot <*>
            jk2_init() Found child 6725                   | jk2_init() Found child <*>
            from /10.251.42.84:57069 size 67108864        | from /<*>:<*> size <*>
            rhost=218.188.2.4 uid=0                       | rhost=<*> uid=<*>
            value -12.5 and +3                            | value <*> and <*>
            flags=0x1f mask 0X0A                          | flags=<*> mask <*>
            instance b9000564-fe1a-409b-b8cc-1e88b294cd1d | instance <*>
            hash 3f2a9c1d done                            | hash <*> done
            Stack v6.1.7601.23505 loaded                  | Stack <*> loaded
            lifetime <1 sec                               | lifetime <*> <*>
            size 5.2 KB, free 317.1 KB)                   | size <*> <*>, free <*> <*>)
            took 12 ms                                    | took <*> <*>
            Deleting blk_-1608999687919862906 now         | Deleting <*> now
            task 'attempt_201706092018_0024_m_000000_1'   | task '<*>'
            file /mnt/hadoop/dfs/data/current/blk_1       | file <*>
            Input split: hdfs://10.10.34.11:9000/pjhe/x   | Input split: <*>
            chdir(/p/gb2/glosli/t800) failed              | chdir(<*>) failed
            loaded C:\\Windows\\winsxs\\cbscore.dll        | loaded <*>
            Resolved host to /default-rack                | Resolved host to /default-rack
            at Sun Jul 10 03:55:15 2005                   | at <*> <*> <*> <*>:<*>:<*> <*>
            May the force be with you                     | May the force be with you
            node R02-M1-N0-C:J12-U11 down                 | node R02-M1-N0-C:J12-U11 down
            HPC node-31 up                                | HPC node-<*> up
            """)
    void masksVariablePartsAndKeepsConstants(String content, String expected) {
        assertThat(masked(content)).isEqualTo(expected.strip());
    }

    @Test
    void splitsOnEveryKindOfWhitespaceAndIgnoresItAtTheEnds() {
        assertThat(tokenizer.tokenize(" \ta\u00a0b\u2003c \r")).containsExactly("a", "b", "c");
        assertThat(tokenizer.tokenize("")).isEmpty();
        assertThat(tokenizer.tokenize(" \t ")).isEmpty();
    }

    @Test
    void switchedOffRulesLeaveTheirTokensAlone() {
        Tokenizer plain = new Tokenizer(Masking.builder().numbers(false).hexIds(false).paths(false).identifiers(false)
                .dates(false).units(false).build());
        assertThat(plain.tokenize("blk_1 /a/b 0x1f 12 KB Sun")).containsExactly("blk_1", "/a/b", "0x1f", "12", "KB", "Sun");
    }

    @Test
    void extraRulesAreAppliedToTheWholeMessageFirst() {
        Tokenizer custom = new Tokenizer(Masking.builder().rule("core\\.\\d+").rule("user [a-z]+").build());
        assertThat(custom.tokenize("generating core.1234 for user alice")).containsExactly("generating", "<*>", "for", "<*>");
    }
}
