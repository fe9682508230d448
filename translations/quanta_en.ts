<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>MainWindow</name>
    <message>
        <source>No model open</source>
        <translation>No model open</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Open model…</source>
        <translation>&amp;Open model…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>Welcome to Quanta</source>
        <translation>Welcome to Quanta</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>Open model…</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>Open model</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF models (*.gguf);;All files (*)</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>Reading %1…</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>Could not open %1: %2</translation>
    </message>
    <message>
        <source>%1 – Quanta</source>
        <translation>%1 – Quanta</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished">Model</translation>
    </message>
    <message>
        <source>Ready: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load %1 for chat: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model is not loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat with a language model on your own computer. Nothing you type leaves this machine. Choose a model to begin.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use SmolLM2-135M-Instruct (the default model)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The default model is a small (135 million parameters) English model: fast on any computer, good for trying things out. You can also drop a .gguf file onto this window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tip: ./scripts/run.sh downloads the default model, SmolLM2-135M-Instruct, into the models/ folder. You can also drop a .gguf file onto this window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The language changes the next time Quanta starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quality</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelDetailsView</name>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>File</source>
        <translation>File</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architecture</translation>
    </message>
    <message>
        <source>File type</source>
        <translation>File type</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>Size on disk</translation>
    </message>
    <message>
        <source>Hyperparameters</source>
        <translation>Hyperparameters</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>Context length</translation>
    </message>
    <message>
        <source>Embedding length</source>
        <translation>Embedding length</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>Blocks</translation>
    </message>
    <message>
        <source>Feed-forward length</source>
        <translation>Feed-forward length</translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation>Attention heads</translation>
    </message>
    <message>
        <source>KV heads</source>
        <translation>KV heads</translation>
    </message>
    <message>
        <source>RoPE frequency base</source>
        <translation>RoPE frequency base</translation>
    </message>
    <message>
        <source>RoPE dimensions</source>
        <translation>RoPE dimensions</translation>
    </message>
    <message>
        <source>RMS norm epsilon</source>
        <translation>RMS norm epsilon</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>Tokenizer</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>Pre-tokenizer</source>
        <translation>Pre-tokenizer</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>Vocabulary</translation>
    </message>
    <message>
        <source>Merges</source>
        <translation>Merges</translation>
    </message>
    <message>
        <source>BOS / EOS</source>
        <translation>BOS / EOS</translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation>Chat template</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameters</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>Tensors</translation>
    </message>
    <message>
        <source>Bits per weight</source>
        <translation>Bits per weight</translation>
    </message>
    <message>
        <source>By format</source>
        <translation>By format</translation>
    </message>
    <message>
        <source>Filter by name or format</source>
        <translation>Filter by name or format</translation>
    </message>
    <message>
        <source>unknown (%1)</source>
        <translation>unknown (%1)</translation>
    </message>
    <message>
        <source>%1, GGUF version %2</source>
        <translation>%1, GGUF version %2</translation>
    </message>
    <message>
        <source>same as attention heads</source>
        <translation>same as attention heads</translation>
    </message>
    <message>
        <source>byte-level BPE (gpt2)</source>
        <translation>byte-level BPE (gpt2)</translation>
    </message>
    <message>
        <source>SentencePiece (llama)</source>
        <translation>SentencePiece (llama)</translation>
    </message>
    <message>
        <source>present</source>
        <translation>present</translation>
    </message>
    <message>
        <source>absent</source>
        <translation>absent</translation>
    </message>
    <message>
        <source>%1 weights in %2 GGUF tensors</source>
        <translation>%1 weights in %2 GGUF tensors</translation>
    </message>
    <message>
        <source>Tensors (%1)</source>
        <translation>Tensors (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln token(s)</source>
        <translation>
            <numerusform>%Ln token</numerusform>
            <numerusform>%Ln tokens</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 bits/weight (%Ln tensor(s), %3)</source>
        <translation>
            <numerusform>%1: %2 bits/weight (%Ln tensor, %3)</numerusform>
            <numerusform>%1: %2 bits/weight (%Ln tensors, %3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuantizeQueue</name>
    <message>
        <source>The quantization ended without a result.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantizing %1 to %2 failed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 MiB, %3 bits per weight, %4 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was written, but measuring its quality failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TensorTableModel</name>
    <message>
        <source>%1
%2 weights, %3 bytes</source>
        <translation>%1
%2 weights, %3 bytes</translation>
    </message>
    <message numerus="yes">
        <source>stored as %n GGUF tensors</source>
        <translation>
            <numerusform>stored as %n GGUF tensor</numerusform>
            <numerusform>stored as %n GGUF tensors</numerusform>
        </translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Shape</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
</context>
<context>
    <name>quanta::services::CompareRunner</name>
    <message>
        <source>No compute device is available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model does not fit in the memory of %1: it needs %2 MiB, %3 MiB are free.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The prompt does not fit the context of %1 tokens.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::services::EngineWorker</name>
    <message>
        <source>No compute device is available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2, %3 layers, context %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message does not fit the context of %1 tokens: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversation does not fit the context of %1 tokens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model does not fit in the memory of %1: it needs %2 MiB, %3 MiB are free. Choose a smaller quantization level or a shorter context.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot run this model (%2); it runs on the CPU. </source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::services::StoreWorker</name>
    <message>
        <source>The conversation database is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open the conversation database: no file was given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open the conversation database %1: cannot create the folder %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file is damaged or is not a conversation database (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file was written by a newer version of Quanta (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open the conversation database %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the list of conversations: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create the conversation: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load the conversation: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save the message: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown role &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not rename the conversation: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete the messages: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete the conversation: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not restore the conversation: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not search the conversations: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save the conversation&apos;s summary: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::ChartsView</name>
    <message>
        <source>Evaluation &amp;text:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size vs quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KL divergence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unnamed)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::ChatController</name>
    <message numerus="yes">
        <source>Prompt: %1 of %2 tokens; %n earlier message(s) left out or summarized by the memory strategy.</source>
        <translation>
            <numerusform>Prompt: %1 of %2 tokens; %n earlier message left out or summarized by the memory strategy.</numerusform>
            <numerusform>Prompt: %1 of %2 tokens; %n earlier messages left out or summarized by the memory strategy.</numerusform>
        </translation>
    </message>
    <message>
        <source>Prompt: %1 of %2 tokens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a model to chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last reply is still being saved; try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last message is still being saved; try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::ChatView</name>
    <message>
        <source>Editing your last message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message the model… (Enter to send, Shift+Enter for a new line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop generating this reply</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::ChunkPerplexityChart</name>
    <message>
        <source>These measurements have no per-window perplexities.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window along &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Perplexity (lower is better)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, window %2: PPL %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::CompareColumn</name>
    <message>
        <source>waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>● running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 tokens/s · first token %2 ms · %3 memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>same as the first column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>departs at token %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::CompareView</name>
    <message>
        <source>Variant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Variant %1 (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One prompt, answered by every variant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Greedy (same answer every time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Greedy sampling makes every answer deterministic, so the first token where a variant departs from the first column can be shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose at least two variants and type a prompt.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::ConversationListModel</name>
    <message>
        <source>just now</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n minute ago</numerusform>
            <numerusform>%n minutes ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n hour ago</numerusform>
            <numerusform>%n hours ago</numerusform>
        </translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1
Last change: %2
%n message(s)</source>
        <translation>
            <numerusform>%1
Last change: %2
%n message</numerusform>
            <numerusform>%1
Last change: %2
%n messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>quanta::ui::ConversationSidebar</name>
    <message>
        <source>New conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::EstimatePanel</name>
    <message>
        <source>As is</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quantization:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Context:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bits per weight</source>
        <translation type="unfinished">Bits per weight</translation>
    </message>
    <message>
        <source>File size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compute buffers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Free memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation type="unfinished">Reading %1…</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot estimate %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 at %2 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs %1. Choose a device to compare with its free memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fits: needs %1 of the %2 free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>needs %1 and the device reports no free memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>needs %1, more than the %2 the device has in all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>needs %1, %2 more than the %3 free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Does not fit, because it %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::EvaluationChart</name>
    <message>
        <source>No measurements yet — quantize a model in the Quantize view with &apos;Measure quality&apos; ticked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export PNG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::KldChart</name>
    <message>
        <source>No KL-divergence measured for these files — it needs the source model as a reference.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantization (bits per weight, descending)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KL-divergence from the reference on &quot;%1&quot; (nats)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: KLD mean %2 ± %3, median %4, p10–p90 %5–%6, p99 %7
Same top token: %8%</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::MessageWidget</name>
    <message>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the message text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit this message and send it again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate this reply again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 tokens/s · first token %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>first token %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::ModelBar</name>
    <message>
        <source>%1 free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation type="unfinished">Open model…</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantize to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::ParetoChart</name>
    <message>
        <source>Pareto front</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bits per weight (smaller file →)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Perplexity on &quot;%1&quot; (lower is better)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 bits/weight, PPL %3 ± %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On the Pareto front</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::PerplexityChart</name>
    <message>
        <source>Quantization (bits per weight, descending)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Perplexity on &quot;%1&quot; (lower is better)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: PPL %2 ± %3 (%4 bits/weight)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::QuantizeDialog</name>
    <message>
        <source>Quantize %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the types to make from %1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bits/weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory at %1 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fits on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measure quality after quantizing (perplexity and KL-divergence on the evaluation text)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ fits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ does not fit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::QueueView</name>
    <message>
        <source>quantizing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2 of %3 · about %4 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>measuring quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PPL %1 ± %2 (source %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PPL %1 ± %2 (source %3) · mean KLD %4 · top-1 %5%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled; no file was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat with it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>queued</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Temperature:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How adventurous replies are: 0 always takes the most likely word; higher values give more varied, less predictable text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-&amp;p:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the most likely words whose probabilities add up to p are considered; lower values keep replies focused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-&amp;k:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the k most likely words are considered; 0 turns this off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Min-p:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Words less likely than this share of the most likely word are left out; 0 turns this off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Repeat penalty:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Values above 1 make words that were just used less likely; 1 turns this off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Random</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Seed:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The same seed gives the same reply to the same conversation; 0 picks a new one for every reply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished">Model</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Context length:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How much of the conversation the model sees at once. Longer contexts need more memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Threads:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The default (models/)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models &amp;folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;ystem prompt:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Buffer (every message)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window (last k exchanges)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token buffer (last N tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary + buffer (N tokens)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Memory:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory &amp;size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new language applies after Quanta is restarted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>T&amp;heme:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> exchanges</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model sees every message of the conversation until the context is full.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model sees the newest message and the k exchanges before it; older ones are dropped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model sees the newest messages that fit in N tokens; older ones are dropped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Older messages are replaced by a running summary that the model writes itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The newest messages that fit in N tokens, plus a running summary of the older ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest &amp;reply:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A reply stops after this many tokens; with no limit it ends when the model stops or the context is full.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quanta::ui::StudioView</name>
    <message>
        <source>Drop a GGUF model here to quantize it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be quantized: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is not a GGUF model file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file is damaged or incomplete (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quanta cannot run this model (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model to quantize</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation type="unfinished">GGUF models (*.gguf);;All files (*)</translation>
    </message>
    <message>
        <source>Using %1, converted before.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Converting %1 from the Hugging Face format…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Converting %1 from the Hugging Face format… %2%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be converted: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
