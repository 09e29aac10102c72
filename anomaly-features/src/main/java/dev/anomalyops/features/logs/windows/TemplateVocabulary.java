package dev.anomalyops.features.logs.windows;

import dev.anomalyops.features.logs.templates.Template;
import dev.anomalyops.features.logs.templates.TemplateMatcher;
import dev.anomalyops.features.logs.templates.TemplateMiner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The template ids that get a count column ({@code template_<id>}) in a log feature schema. Fix it when a model
 * is trained: templates learnt later are not columns of that model; their messages are counted in
 * {@code unseen_template_count} instead, so the schema, and the model, stay valid. Immutable and thread-safe.
 */
public final class TemplateVocabulary {
    private final int[] ids;
    private final int[] columnOf;

    private TemplateVocabulary(int[] ids) {
        this.ids = ids;
        int max = ids.length == 0 ? 0 : ids[ids.length - 1];
        this.columnOf = new int[max + 1];
        Arrays.fill(columnOf, -1);
        for (int i = 0; i < ids.length; i++) {
            columnOf[ids[i]] = i;
        }
    }

    /**
     * @param ids template ids, each {@code >= 1}; order and duplicates do not matter (columns are in id order)
     * @return the vocabulary
     */
    public static TemplateVocabulary of(Collection<Integer> ids) {
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer id : ids) {
            if (id == null || id < 1) {
                throw new IllegalArgumentException("Template ids must be >= 1 but the list contains " + id);
            }
            sorted.add(id);
        }
        return new TemplateVocabulary(sorted.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * @param templates templates, e.g. {@link TemplateMiner#templates()}
     * @return the vocabulary of all of them
     */
    public static TemplateVocabulary ofTemplates(Collection<Template> templates) {
        List<Integer> ids = new ArrayList<>(templates.size());
        for (Template template : templates) {
            ids.add(template.id());
        }
        return of(ids);
    }

    /**
     * @param miner a miner
     * @return every current template of the miner
     */
    public static TemplateVocabulary of(TemplateMiner miner) {
        return ofTemplates(miner.templates());
    }

    /**
     * @param matcher a frozen matcher
     * @return every template of the matcher
     */
    public static TemplateVocabulary of(TemplateMatcher matcher) {
        return ofTemplates(matcher.templates());
    }

    /**
     * @param templates templates with counts
     * @param n how many to keep
     * @return the {@code n} most frequent templates (ties by lower id), for a bounded number of columns
     */
    public static TemplateVocabulary mostFrequent(Collection<Template> templates, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0 but was " + n);
        }
        List<Template> sorted = new ArrayList<>(templates);
        sorted.sort(Comparator.comparingLong(Template::count).reversed().thenComparingInt(Template::id));
        return ofTemplates(sorted.subList(0, Math.min(n, sorted.size())));
    }

    /** @return the ids, ascending (a copy) */
    public int[] ids() {
        return ids.clone();
    }

    /** @return the number of template columns */
    public int size() {
        return ids.length;
    }

    /**
     * @param templateId a template id (or {@link TemplateMiner#UNKNOWN})
     * @return its column among the template columns, or -1 when it has none
     */
    public int column(int templateId) {
        return templateId >= 1 && templateId < columnOf.length ? columnOf[templateId] : -1;
    }

    /**
     * @param templateId a template id
     * @return the feature name of its count column
     */
    public static String columnName(int templateId) {
        return "template_" + templateId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TemplateVocabulary that && Arrays.equals(ids, that.ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "TemplateVocabulary[" + ids.length + " templates]";
    }
}
