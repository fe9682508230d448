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
        <source>Open a GGUF model to see its architecture, tokenizer, tensors and bits per weight.</source>
        <translation>Open a GGUF model to see its architecture, tokenizer, tensors and bits per weight.</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>Open model…</translation>
    </message>
    <message>
        <source>Tip: ./scripts/run.sh downloaded the default model, SmolLM2-135M-Instruct, into the models/ folder. You can also drop a .gguf file onto this window.</source>
        <translation>Tip: ./scripts/run.sh downloaded the default model, SmolLM2-135M-Instruct, into the models/ folder. You can also drop a .gguf file onto this window.</translation>
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
    <name>main</name>
    <message>
        <source>Run and quantize language models locally.</source>
        <translation>Run and quantize language models locally.</translation>
    </message>
    <message>
        <source>GGUF model to open.</source>
        <translation>GGUF model to open.</translation>
    </message>
    <message>
        <source>Save the window as an image once the model is shown, then quit (for documentation).</source>
        <translation>Save the window as an image once the model is shown, then quit (for documentation).</translation>
    </message>
</context>
</TS>
