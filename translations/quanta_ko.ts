<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
<context>
    <name>MainWindow</name>
    <message>
        <source>No model open</source>
        <translation>열린 모델 없음</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open model…</source>
        <translation>모델 열기(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>Welcome to Quanta</source>
        <translation>Quanta에 오신 것을 환영합니다</translation>
    </message>
    <message>
        <source>Open a GGUF model to see its architecture, tokenizer, tensors and bits per weight.</source>
        <translation>GGUF 모델을 열면 아키텍처, 토크나이저, 텐서와 가중치당 비트 수를 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>모델 열기…</translation>
    </message>
    <message>
        <source>Tip: ./scripts/run.sh downloaded the default model, SmolLM2-135M-Instruct, into the models/ folder. You can also drop a .gguf file onto this window.</source>
        <translation>도움말: ./scripts/run.sh가 기본 모델인 SmolLM2-135M-Instruct를 models/ 폴더에 내려받았습니다. .gguf 파일을 이 창으로 끌어다 놓아도 됩니다.</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>모델 열기</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 모델 (*.gguf);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>%1 읽는 중…</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1을(를) 열 수 없습니다: %2</translation>
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
        <translation>모델</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>아키텍처</translation>
    </message>
    <message>
        <source>File type</source>
        <translation>파일 유형</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>디스크 크기</translation>
    </message>
    <message>
        <source>Hyperparameters</source>
        <translation>하이퍼파라미터</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>컨텍스트 길이</translation>
    </message>
    <message>
        <source>Embedding length</source>
        <translation>임베딩 길이</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>블록 수</translation>
    </message>
    <message>
        <source>Feed-forward length</source>
        <translation>피드포워드 길이</translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation>어텐션 헤드 수</translation>
    </message>
    <message>
        <source>KV heads</source>
        <translation>KV 헤드 수</translation>
    </message>
    <message>
        <source>RoPE frequency base</source>
        <translation>RoPE 주파수 기저</translation>
    </message>
    <message>
        <source>RoPE dimensions</source>
        <translation>RoPE 차원 수</translation>
    </message>
    <message>
        <source>RMS norm epsilon</source>
        <translation>RMS 정규화 엡실론</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>토크나이저</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <source>Pre-tokenizer</source>
        <translation>사전 토크나이저</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>어휘</translation>
    </message>
    <message>
        <source>Merges</source>
        <translation>병합 규칙</translation>
    </message>
    <message>
        <source>BOS / EOS</source>
        <translation>BOS / EOS</translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation>채팅 템플릿</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>매개변수</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>텐서</translation>
    </message>
    <message>
        <source>Bits per weight</source>
        <translation>가중치당 비트</translation>
    </message>
    <message>
        <source>By format</source>
        <translation>형식별</translation>
    </message>
    <message>
        <source>Filter by name or format</source>
        <translation>이름 또는 형식으로 거르기</translation>
    </message>
    <message>
        <source>unknown (%1)</source>
        <translation>알 수 없음 (%1)</translation>
    </message>
    <message>
        <source>%1, GGUF version %2</source>
        <translation>%1, GGUF 버전 %2</translation>
    </message>
    <message>
        <source>same as attention heads</source>
        <translation>어텐션 헤드 수와 같음</translation>
    </message>
    <message>
        <source>byte-level BPE (gpt2)</source>
        <translation>바이트 수준 BPE (gpt2)</translation>
    </message>
    <message>
        <source>SentencePiece (llama)</source>
        <translation>SentencePiece (llama)</translation>
    </message>
    <message>
        <source>present</source>
        <translation>있음</translation>
    </message>
    <message>
        <source>absent</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>%1 weights in %2 GGUF tensors</source>
        <translation>가중치 %1개 (GGUF 텐서 %2개)</translation>
    </message>
    <message>
        <source>Tensors (%1)</source>
        <translation>텐서 (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln token(s)</source>
        <translation>
            <numerusform>토큰 %Ln개</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 bits/weight (%Ln tensor(s), %3)</source>
        <translation>
            <numerusform>%1: 가중치당 %2비트 (텐서 %Ln개, %3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TensorTableModel</name>
    <message>
        <source>%1
%2 weights, %3 bytes</source>
        <translation>%1
가중치 %2개, %3바이트</translation>
    </message>
    <message numerus="yes">
        <source>stored as %n GGUF tensors</source>
        <translation>
            <numerusform>GGUF 텐서 %n개로 저장됨</numerusform>
        </translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>형식</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>모양</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Run and quantize language models locally.</source>
        <translation>언어 모델을 이 컴퓨터에서 실행하고 양자화합니다.</translation>
    </message>
    <message>
        <source>GGUF model to open.</source>
        <translation>열 GGUF 모델.</translation>
    </message>
    <message>
        <source>Save the window as an image once the model is shown, then quit (for documentation).</source>
        <translation>모델이 표시되면 창을 이미지로 저장하고 종료합니다 (문서 작성용).</translation>
    </message>
</context>
</TS>
