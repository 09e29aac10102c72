package dev.anomalyops.benchmarks.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.app.cli.AnomalyOpsCli;
import dev.anomalyops.benchmarks.Bench;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Checks every code sample in the user documentation: {@code README.md} and every Markdown file under
 * {@code docs/} and {@code deploy/}, including files added later.
 *
 * <p>Each Java block must say in its fenced block's info string what it is, or the test fails:
 *
 * <ul>
 *   <li>{@code ```java run}: a self-contained sample, compiled and run;
 *   <li>{@code ```java compile given="Type name; Type name"}: compiled as the body of a method whose parameters are
 *       the {@code given} declarations (the values the surrounding prose talks about);
 *   <li>{@code ```java snippet=NAME} (or a {@code <!-- snippet:NAME -->} line right above the block): the lines of
 *       the region between {@code // snippet:NAME} and {@code // end:NAME} in a test source of this repository, which
 *       that test runs;
 *   <li>{@code ```java illustrative}: shown, not checked (a fragment of a larger program).
 * </ul>
 *
 * <p>Compiled samples see every public package of the SDK and the usual JDK packages through star imports;
 * {@code imports="a.b.C,c.d.*"} adds more (also to settle an ambiguous simple name).
 *
 * <p>In shell blocks ({@code bash}, {@code sh}, {@code shell}, {@code console} and blocks without a language),
 * every {@code ./anomalyops ...} and {@code ./bench ...} command (after environment assignments, between {@code &&},
 * {@code ;} and pipes, with {@code \} continuations) is parsed by the real picocli command line, so options and
 * subcommands in the docs exist and take the values shown.
 * Loop variables ({@code for rule in A B; do ... $rule}) take their first value. A shell block marked
 * {@code illustrative} is not checked; {@code curl} lines in a block marked {@code server-check} are run against a
 * real reference server by {@link GuideExamplesTest}.
 */
class DocSamplesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> JDK_PACKAGES = List.of("java.io", "java.net", "java.nio.charset",
            "java.nio.file", "java.time", "java.util", "java.util.concurrent", "java.util.function", "java.util.regex",
            "java.util.stream");
    private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,})(\\S*)\\s*(.*)$");
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-z-]+)(?:=(\"[^\"]*\"|\\S+))?");

    /** A fenced block of a Markdown file. */
    record Block(Path file, int line, String language, Map<String, String> attributes, String code,
            String snippetComment) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }

        String kind() {
            if (snippetComment != null) {
                return "snippet";
            }
            for (String kind : List.of("run", "compile", "snippet", "illustrative")) {
                if (attributes.containsKey(kind)) {
                    return kind;
                }
            }
            return null;
        }
    }

    private static List<Block> blocks;

    @TempDir
    Path temp;

    @BeforeAll
    static void readDocs() throws IOException {
        blocks = allBlocks();
    }

    /** @return every fenced block of the user documentation, in file order */
    static List<Block> allBlocks() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        for (String dir : List.of("docs", "deploy")) {
            try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
                walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            }
        }
        List<Block> all = new ArrayList<>();
        for (Path file : files) {
            all.addAll(parse(file));
        }
        return all;
    }

    static List<Block> parse(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1);
            String fence = open.group(2);
            StringBuilder code = new StringBuilder();
            int start = i;
            for (i++; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().equals(fence) || line.strip().startsWith(fence) && line.strip().matches("`+")) {
                    break;
                }
                code.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip()).append('\n');
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher a = ATTRIBUTE.matcher(open.group(4));
            while (a.find()) {
                String value = a.group(2) == null ? "" : a.group(2).replaceAll("^\"|\"$", "");
                attributes.put(a.group(1), value);
            }
            String snippet = null;
            if (start > 0) {
                Matcher comment = Pattern.compile("<!-- snippet:([a-z0-9-]+) -->").matcher(lines.get(start - 1).strip());
                if (comment.matches()) {
                    snippet = comment.group(1);
                }
            }
            out.add(new Block(file, start + 1, open.group(3).toLowerCase(Locale.ROOT), attributes, code.toString(),
                    snippet));
        }
        return out;
    }

    @Test
    void everyJavaBlockSaysWhatItIs() {
        List<String> unmarked = blocks.stream().filter(b -> b.language().equals("java") && b.kind() == null)
                .map(Block::where).toList();
        assertThat(unmarked).as("Java blocks without run, compile, snippet=NAME or illustrative in their info string")
                .isEmpty();
        assertThat(blocks.stream().filter(b -> b.language().equals("java"))).hasSizeGreaterThan(10);
    }

    @Test
    void snippetsAreTheTestedRegionsVerbatim() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(ROOT)) {
            for (Path source : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".java")
                    && p.toString().contains("/src/test/java/") && !p.toString().contains("/target/"))::iterator) {
                String text = Files.readString(source);
                Matcher region = Pattern.compile("// snippet:([a-z0-9-]+)\\n(.*?)\\n\\s*// end:\\1", Pattern.DOTALL)
                        .matcher(text);
                while (region.find()) {
                    regions.put(region.group(1), dedent(region.group(2)).strip());
                }
            }
        }
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Block block : blocks) {
            if (!"snippet".equals(block.kind())) {
                continue;
            }
            String name = block.snippetComment() != null ? block.snippetComment() : block.attributes().get("snippet");
            String region = regions.get(name);
            if (region == null) {
                problems.add(block.where() + ": no test source has the region // snippet:" + name);
            } else if (!region.equals(block.code().strip())) {
                problems.add(block.where() + ": differs from the tested region // snippet:" + name);
            }
            checked++;
        }
        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(2);
    }

    @Test
    void compileAndRunSamplesCompileAndTheSelfContainedOnesRun() throws Exception {
        List<Block> samples = blocks.stream().filter(b -> b.language().equals("java")
                && ("compile".equals(b.kind()) || "run".equals(b.kind()))).toList();
        assertThat(samples).isNotEmpty();
        String imports = starImports();
        Path sources = Files.createDirectories(temp.resolve("src/docsamples"));
        Map<String, Block> byClass = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        Map<String, Integer> headerLines = new LinkedHashMap<>();
        for (Block block : samples) {
            String name = "Sample" + byClass.size();
            byClass.put(name, block);
            StringBuilder java = new StringBuilder("package docsamples;\n").append(imports);
            for (String extra : block.attributes().getOrDefault("imports", "").split(",")) {
                if (!extra.isBlank()) {
                    java.append("import ").append(extra.strip()).append(";\n");
                }
            }
            String given = block.attributes().getOrDefault("given", "");
            List<String> parameters = new ArrayList<>();
            for (String declaration : given.split(";")) {
                if (!declaration.isBlank()) {
                    parameters.add(declaration.strip());
                }
            }
            java.append("public final class ").append(name).append(" {\n")
                    .append("    public static void sample(").append(String.join(", ", parameters))
                    .append(") throws Exception {\n");
            headerLines.put(name, (int) java.chars().filter(c -> c == '\n').count());
            java.append(block.code()).append("    }\n}\n");
            Path file = sources.resolve(name + ".java");
            Files.writeString(file, java);
            files.add(file);
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path classes = Files.createDirectories(temp.resolve("classes"));
        boolean ok;
        try (StandardJavaFileManager manager = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            ok = compiler.getTask(null, manager, diagnostics, List.of("-classpath", classPath(), "-d",
                    classes.toString(), "-proc:none", "-Xlint:none", "-nowarn"), null,
                    manager.getJavaFileObjectsFromPaths(files)).call();
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            String name = Path.of(d.getSource().toUri()).getFileName().toString().replace(".java", "");
            Block block = byClass.get(name);
            long line = block.line() + d.getLineNumber() - headerLines.get(name);
            errors.add(ROOT.relativize(block.file()) + ":" + line + ": " + d.getMessage(Locale.ROOT));
        }
        assertThat(errors).as("compile errors in doc samples").isEmpty();
        assertThat(ok).isTrue();

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            for (Map.Entry<String, Block> e : byClass.entrySet()) {
                if (!"run".equals(e.getValue().kind())) {
                    continue;
                }
                Method sample = loader.loadClass("docsamples." + e.getKey()).getMethod("sample");
                try {
                    sample.invoke(null);
                } catch (java.lang.reflect.InvocationTargetException failure) {
                    throw new AssertionError(e.getValue().where() + " failed when run: " + failure.getCause(),
                            failure.getCause());
                }
            }
        }
    }

    @Test
    void documentedCommandsParse() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Block block : blocks) {
            if (!List.of("bash", "sh", "shell", "console", "").contains(block.language())
                    || block.attributes().containsKey("illustrative")) {
                continue;
            }
            // Loop variables ("for rule in A B; do ... --split-rule $rule") take their first value.
            Map<String, String> loopValues = new LinkedHashMap<>();
            Matcher loop = Pattern.compile("\\bfor (\\w+) in (\\S+)").matcher(block.code());
            while (loop.find()) {
                loopValues.put(loop.group(1), loop.group(2));
            }
            for (List<String> words : commands(block.code())) {
                List<String> command = new ArrayList<>();
                for (String word : words) {
                    for (Map.Entry<String, String> v : loopValues.entrySet()) {
                        word = word.replace("${" + v.getKey() + "}", v.getValue()).replace("$" + v.getKey(), v.getValue());
                    }
                    command.add(word);
                }
                int first = 0;
                while (first < command.size() && command.get(first).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
                    first++;
                }
                if (first >= command.size()) {
                    continue;
                }
                String program = command.get(first);
                CommandLine commandLine;
                if (program.equals("./anomalyops") || program.equals("anomalyops")) {
                    commandLine = new CommandLine(new AnomalyOpsCli()).setCaseInsensitiveEnumValuesAllowed(true);
                } else if (program.equals("./bench")) {
                    commandLine = Bench.commandLine();
                } else {
                    continue;
                }
                String[] args = command.subList(first + 1, command.size()).toArray(String[]::new);
                try {
                    commandLine.parseArgs(args);
                    checked++;
                } catch (CommandLine.ParameterException e) {
                    problems.add(block.where() + ": " + String.join(" ", command) + " -> " + e.getMessage());
                }
            }
        }
        assertThat(problems).as("documented commands that do not parse").isEmpty();
        assertThat(checked).isGreaterThan(20);
    }

    /** Splits shell text into simple commands (words), honouring quotes, comments and continuations. */
    static List<List<String>> commands(String text) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                i += 2;
                continue;
            }
            if (c == '\'' || c == '"') {
                int end = text.indexOf(c, i + 1);
                if (end < 0) {
                    end = text.length();
                }
                if (word == null) {
                    word = new StringBuilder();
                }
                word.append(text, i + 1, end);
                i = end + 1;
                continue;
            }
            if (c == '#' && word == null) {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '\n' || c == ';' || c == '|' || c == '&' || c == ' ' || c == '\t' || c == '>' || c == '<') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                if (c == '>' || c == '<') {
                    // A redirection: skip its target.
                    i++;
                    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '&' || text.charAt(i) == '>')) {
                        i++;
                    }
                    while (i < text.length() && " \t\n;|&".indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    continue;
                }
                if (c != ' ' && c != '\t' && !words.isEmpty()) {
                    commands.add(words);
                    words = new ArrayList<>();
                }
                i++;
                continue;
            }
            if (c == '\\' && i + 1 < text.length()) {
                if (word == null) {
                    word = new StringBuilder();
                }
                word.append(text.charAt(i + 1));
                i += 2;
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            word.append(c);
            i++;
        }
        if (word != null) {
            words.add(word.toString());
        }
        if (!words.isEmpty()) {
            commands.add(words);
        }
        return commands;
    }

    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** Star imports of the JDK's usual packages and every public, non-internal package of the SDK. */
    private static String starImports() throws IOException {
        TreeSet<String> packages = new TreeSet<>(JDK_PACKAGES);
        for (String entry : classPath().split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path base = path.resolve("dev/anomalyops");
                if (Files.isDirectory(base)) {
                    try (Stream<Path> walk = Files.walk(base)) {
                        walk.filter(p -> p.toString().endsWith(".class"))
                                .forEach(p -> addPackage(packages, path.relativize(p).toString()));
                    }
                }
            } else if (entry.endsWith(".jar") && path.getFileName().toString().startsWith("anomaly")) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        String name = entries.nextElement().getName();
                        if (name.startsWith("dev/anomalyops/") && name.endsWith(".class")) {
                            addPackage(packages, name);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        packages.forEach(p -> out.append("import ").append(p).append(".*;\n"));
        return out.toString();
    }

    private static void addPackage(TreeSet<String> packages, String classFile) {
        String name = classFile.replace(java.io.File.separatorChar, '/');
        int slash = name.lastIndexOf('/');
        String pkg = name.substring(0, slash).replace('/', '.');
        if (!pkg.contains(".internal") && !pkg.contains(".testing") && !pkg.startsWith("dev.anomalyops.benchmarks")
                && !name.substring(slash + 1).contains("-")) {
            packages.add(pkg);
        }
    }

    private static String dedent(String code) {
        List<String> lines = code.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
        }
        return out.toString();
    }
}
