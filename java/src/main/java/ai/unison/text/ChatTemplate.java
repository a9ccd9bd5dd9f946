package ai.unison.text;

import java.util.List;

/**
 * Qwen's ChatML template, as its {@code chat_template} renders it: each message becomes
 * {@code <|im_start|>role\ncontent<|im_end|>\n}; a system message is added first when the
 * conversation has none; the generation prompt is {@code <|im_start|>assistant\n}.
 */
public final class ChatTemplate {
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String DEFAULT_SYSTEM = "You are a helpful assistant.";

    public record Message(String role, String content) {
        public static Message system(String content) {
            return new Message("system", content);
        }

        public static Message user(String content) {
            return new Message("user", content);
        }

        public static Message assistant(String content) {
            return new Message("assistant", content);
        }
    }

    private ChatTemplate() {
    }

    public static String render(List<Message> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        if (messages.isEmpty() || !messages.get(0).role().equals("system")) {
            append(sb, Message.system(DEFAULT_SYSTEM));
        }
        for (Message m : messages) {
            append(sb, m);
        }
        if (addGenerationPrompt) {
            sb.append(IM_START).append("assistant\n");
        }
        return sb.toString();
    }

    /** A single user turn with the default system prompt, ready for generation. */
    public static String user(String content) {
        return render(List.of(Message.user(content)), true);
    }

    private static void append(StringBuilder sb, Message m) {
        sb.append(IM_START).append(m.role()).append('\n').append(m.content()).append(IM_END).append('\n');
    }
}
