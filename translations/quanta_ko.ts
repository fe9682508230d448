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
        <source>Open model…</source>
        <translation>모델 열기…</translation>
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
    <message>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Ready: %1</source>
        <translation>준비됨: %1</translation>
    </message>
    <message>
        <source>Could not load %1 for chat: %2</source>
        <translation>대화용으로 %1을(를) 불러올 수 없습니다: %2</translation>
    </message>
    <message>
        <source>The model is not loaded</source>
        <translation>모델이 로드되지 않았습니다</translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation>새 대화(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>설정(&amp;S)…</translation>
    </message>
    <message>
        <source>Chat with a language model on your own computer. Nothing you type leaves this machine. Choose a model to begin.</source>
        <translation>내 컴퓨터에서 언어 모델과 대화하세요. 입력한 내용은 이 컴퓨터 밖으로 나가지 않습니다. 시작하려면 모델을 선택하세요.</translation>
    </message>
    <message>
        <source>Use SmolLM2-135M-Instruct (the default model)</source>
        <translation>SmolLM2-135M-Instruct 사용 (기본 모델)</translation>
    </message>
    <message>
        <source>The default model is a small (135 million parameters) English model: fast on any computer, good for trying things out. You can also drop a .gguf file onto this window.</source>
        <translation>기본 모델은 작은(매개변수 1억 3,500만 개) 영어 모델로, 어떤 컴퓨터에서도 빠르게 동작해 기능을 시험해 보기에 좋습니다. .gguf 파일을 이 창에 끌어다 놓을 수도 있습니다.</translation>
    </message>
    <message>
        <source>Tip: ./scripts/run.sh downloads the default model, SmolLM2-135M-Instruct, into the models/ folder. You can also drop a .gguf file onto this window.</source>
        <translation>팁: ./scripts/run.sh를 실행하면 기본 모델인 SmolLM2-135M-Instruct를 models/ 폴더에 내려받습니다. .gguf 파일을 이 창에 끌어다 놓을 수도 있습니다.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 로드 중…</translation>
    </message>
    <message>
        <source>The language changes the next time Quanta starts.</source>
        <translation>언어는 다음에 Quanta를 시작할 때 바뀝니다.</translation>
    </message>
    <message>
        <source>Quantize</source>
        <translation>양자화</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>대화</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>비교</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>품질</translation>
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
    <name>QuantizeQueue</name>
    <message>
        <source>The quantization ended without a result.</source>
        <translation>양자화가 결과 없이 끝났습니다.</translation>
    </message>
    <message>
        <source>Quantizing %1 to %2 failed: %3</source>
        <translation>%1을(를) %2(으)로 양자화하지 못했습니다: %3</translation>
    </message>
    <message>
        <source>%1: %2 MiB, %3 bits per weight, %4 s</source>
        <translation>%1: %2 MiB, 가중치당 %3비트, %4초</translation>
    </message>
    <message>
        <source>%1 was written, but measuring its quality failed: %2</source>
        <translation>%1을(를) 기록했지만 품질을 측정하지 못했습니다: %2</translation>
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
    <name>quanta::services::CompareRunner</name>
    <message>
        <source>No compute device is available.</source>
        <translation>사용할 수 있는 연산 장치가 없습니다.</translation>
    </message>
    <message>
        <source>The model does not fit in the memory of %1: it needs %2 MiB, %3 MiB are free.</source>
        <translation>모델이 %1의 메모리에 들어가지 않습니다: %2 MiB가 필요하지만 여유 메모리는 %3 MiB입니다.</translation>
    </message>
    <message>
        <source>The prompt does not fit the context of %1 tokens.</source>
        <translation>프롬프트가 %1토큰 컨텍스트에 들어가지 않습니다.</translation>
    </message>
</context>
<context>
    <name>quanta::services::EngineWorker</name>
    <message>
        <source>No compute device is available.</source>
        <translation>사용할 수 있는 연산 장치가 없습니다.</translation>
    </message>
    <message>
        <source>%1 (%2, %3 layers, context %4)</source>
        <translation>%1 (%2, 레이어 %3개, 컨텍스트 %4)</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>로드된 모델이 없습니다.</translation>
    </message>
    <message>
        <source>The message does not fit the context of %1 tokens: %2</source>
        <translation>메시지가 %1토큰 컨텍스트에 들어가지 않습니다: %2</translation>
    </message>
    <message>
        <source>The conversation does not fit the context of %1 tokens.</source>
        <translation>대화가 %1토큰 컨텍스트에 들어가지 않습니다.</translation>
    </message>
    <message>
        <source>The model does not fit in the memory of %1: it needs %2 MiB, %3 MiB are free. Choose a smaller quantization level or a shorter context.</source>
        <translation>모델이 %1의 메모리에 들어가지 않습니다: %2 MiB가 필요하지만 여유 메모리는 %3 MiB입니다. 더 작은 양자화 수준이나 더 짧은 컨텍스트를 고르세요.</translation>
    </message>
    <message>
        <source>%1 cannot run this model (%2); it runs on the CPU. </source>
        <translation>%1에서는 이 모델을 실행할 수 없어(%2) CPU에서 실행합니다. </translation>
    </message>
</context>
<context>
    <name>quanta::services::StoreWorker</name>
    <message>
        <source>The conversation database is not open.</source>
        <translation>대화 데이터베이스가 열려 있지 않습니다.</translation>
    </message>
    <message>
        <source>Could not open the conversation database: no file was given.</source>
        <translation>대화 데이터베이스를 열 수 없습니다: 파일이 지정되지 않았습니다.</translation>
    </message>
    <message>
        <source>Could not open the conversation database %1: cannot create the folder %2.</source>
        <translation>대화 데이터베이스 %1을(를) 열 수 없습니다: 폴더 %2을(를) 만들 수 없습니다.</translation>
    </message>
    <message>
        <source>the file is damaged or is not a conversation database (%1)</source>
        <translation>파일이 손상되었거나 대화 데이터베이스가 아닙니다 (%1)</translation>
    </message>
    <message>
        <source>the file was written by a newer version of Quanta (%1)</source>
        <translation>더 새로운 버전의 Quanta에서 작성한 파일입니다 (%1)</translation>
    </message>
    <message>
        <source>Could not open the conversation database %1: %2</source>
        <translation>대화 데이터베이스 %1을(를) 열 수 없습니다: %2</translation>
    </message>
    <message>
        <source>Could not read the list of conversations: %1</source>
        <translation>대화 목록을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Could not create the conversation: %1</source>
        <translation>대화를 만들 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Could not load the conversation: %1</source>
        <translation>대화를 불러올 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Could not save the message: %1</source>
        <translation>메시지를 저장할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>unknown role &quot;%1&quot;</source>
        <translation>알 수 없는 역할 &quot;%1&quot;</translation>
    </message>
    <message>
        <source>Could not rename the conversation: %1</source>
        <translation>대화 이름을 바꿀 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Could not delete the messages: %1</source>
        <translation>메시지를 삭제할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Could not delete the conversation: %1</source>
        <translation>대화를 삭제할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Could not restore the conversation: %1</source>
        <translation>대화를 복원할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Could not search the conversations: %1</source>
        <translation>대화를 검색할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Could not save the conversation&apos;s summary: %1</source>
        <translation>대화 요약을 저장할 수 없습니다: %1</translation>
    </message>
</context>
<context>
    <name>quanta::ui::ChartsView</name>
    <message>
        <source>Evaluation &amp;text:</source>
        <translation>평가 텍스트(&amp;T):</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>퍼플렉서티</translation>
    </message>
    <message>
        <source>Size vs quality</source>
        <translation>크기 대비 품질</translation>
    </message>
    <message>
        <source>Per window</source>
        <translation>윈도우별</translation>
    </message>
    <message>
        <source>KL divergence</source>
        <translation>KL 발산</translation>
    </message>
    <message>
        <source>(unnamed)</source>
        <translation>(이름 없음)</translation>
    </message>
</context>
<context>
    <name>quanta::ui::ChatController</name>
    <message numerus="yes">
        <source>Prompt: %1 of %2 tokens; %n earlier message(s) left out or summarized by the memory strategy.</source>
        <translation>
            <numerusform>프롬프트: %2토큰 중 %1토큰. 메모리 전략에 따라 이전 메시지 %n개가 제외되거나 요약되었습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Prompt: %1 of %2 tokens.</source>
        <translation>프롬프트: %2토큰 중 %1토큰.</translation>
    </message>
    <message>
        <source>Open a model to chat.</source>
        <translation>대화하려면 모델을 여세요.</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>모델 로드 중…</translation>
    </message>
    <message>
        <source>The last reply is still being saved; try again in a moment.</source>
        <translation>마지막 응답을 아직 저장하는 중입니다. 잠시 후 다시 시도하세요.</translation>
    </message>
    <message>
        <source>The last message is still being saved; try again in a moment.</source>
        <translation>마지막 메시지를 아직 저장하는 중입니다. 잠시 후 다시 시도하세요.</translation>
    </message>
</context>
<context>
    <name>quanta::ui::ChatView</name>
    <message>
        <source>Editing your last message</source>
        <translation>마지막 메시지 편집 중</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Message the model… (Enter to send, Shift+Enter for a new line)</source>
        <translation>모델에게 메시지 보내기… (Enter: 보내기, Shift+Enter: 줄 바꿈)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>Stop generating this reply</source>
        <translation>이 응답 생성 중지</translation>
    </message>
</context>
<context>
    <name>quanta::ui::ChunkPerplexityChart</name>
    <message>
        <source>These measurements have no per-window perplexities.</source>
        <translation>이 측정 결과에는 윈도우별 퍼플렉서티가 없습니다.</translation>
    </message>
    <message>
        <source>Window along &quot;%1&quot;</source>
        <translation>&quot;%1&quot; 내 윈도우 위치</translation>
    </message>
    <message>
        <source>Perplexity (lower is better)</source>
        <translation>퍼플렉서티 (낮을수록 좋음)</translation>
    </message>
    <message>
        <source>%1, window %2: PPL %3</source>
        <translation>%1, 윈도우 %2: PPL %3</translation>
    </message>
</context>
<context>
    <name>quanta::ui::CompareColumn</name>
    <message>
        <source>waiting</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>● running</source>
        <translation>● 실행 중</translation>
    </message>
    <message>
        <source>done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>건너뜀</translation>
    </message>
    <message>
        <source>%1 tokens/s · first token %2 ms · %3 memory</source>
        <translation>%1 토큰/초 · 첫 토큰 %2ms · 메모리 %3</translation>
    </message>
    <message>
        <source>same as the first column</source>
        <translation>첫 번째 열과 같음</translation>
    </message>
    <message>
        <source>departs at token %1</source>
        <translation>%1번째 토큰부터 달라짐</translation>
    </message>
</context>
<context>
    <name>quanta::ui::CompareView</name>
    <message>
        <source>Variant %1</source>
        <translation>변형 %1</translation>
    </message>
    <message>
        <source>Variant %1 (optional)</source>
        <translation>변형 %1 (선택 사항)</translation>
    </message>
    <message>
        <source>One prompt, answered by every variant</source>
        <translation>모든 변형이 답할 하나의 프롬프트</translation>
    </message>
    <message>
        <source>Greedy (same answer every time)</source>
        <translation>그리디 (항상 같은 응답)</translation>
    </message>
    <message>
        <source>Greedy sampling makes every answer deterministic, so the first token where a variant departs from the first column can be shown.</source>
        <translation>그리디 샘플링은 모든 응답을 결정적으로 만들므로, 각 변형이 첫 번째 열과 처음 달라지는 토큰을 표시할 수 있습니다.</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>실행</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(없음)</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Choose at least two variants and type a prompt.</source>
        <translation>변형을 두 개 이상 선택하고 프롬프트를 입력하세요.</translation>
    </message>
</context>
<context>
    <name>quanta::ui::ConversationListModel</name>
    <message>
        <source>just now</source>
        <translation>방금 전</translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n분 전</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n시간 전</numerusform>
        </translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>어제</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n일 전</numerusform>
        </translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>새 대화</translation>
    </message>
    <message numerus="yes">
        <source>%1
Last change: %2
%n message(s)</source>
        <translation>
            <numerusform>%1
마지막 변경: %2
메시지 %n개</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>quanta::ui::ConversationSidebar</name>
    <message>
        <source>New conversation</source>
        <translation>새 대화</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>대화 검색</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Deleted “%1”</source>
        <translation>“%1” 삭제됨</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>이름 바꾸기</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
</context>
<context>
    <name>quanta::ui::EstimatePanel</name>
    <message>
        <source>As is</source>
        <translation>그대로</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 토큰</translation>
    </message>
    <message>
        <source>&amp;Quantization:</source>
        <translation>양자화(&amp;Q):</translation>
    </message>
    <message>
        <source>&amp;Context:</source>
        <translation>컨텍스트(&amp;C):</translation>
    </message>
    <message>
        <source>Bits per weight</source>
        <translation>가중치당 비트</translation>
    </message>
    <message>
        <source>File size</source>
        <translation>파일 크기</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>가중치</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV 캐시</translation>
    </message>
    <message>
        <source>Compute buffers</source>
        <translation>연산 버퍼</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>기타</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>합계</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>연산</translation>
    </message>
    <message>
        <source>Free memory</source>
        <translation>여유 메모리</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>%1 읽는 중…</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1을(를) 읽을 수 없습니다: %2</translation>
    </message>
    <message>
        <source>Cannot estimate %1: %2</source>
        <translation>%1을(를) 추정할 수 없습니다: %2</translation>
    </message>
    <message>
        <source>%1 at %2 tokens</source>
        <translation>%1, %2토큰 기준</translation>
    </message>
    <message>
        <source>Needs %1. Choose a device to compare with its free memory.</source>
        <translation>%1 필요. 여유 메모리와 비교하려면 장치를 선택하세요.</translation>
    </message>
    <message>
        <source>Fits: needs %1 of the %2 free</source>
        <translation>충분함: 여유 메모리 %2 중 %1 필요</translation>
    </message>
    <message>
        <source>needs %1 and the device reports no free memory</source>
        <translation>%1이(가) 필요하지만 장치에 여유 메모리가 없습니다</translation>
    </message>
    <message>
        <source>needs %1, more than the %2 the device has in all</source>
        <translation>%1이(가) 필요하며, 이는 장치의 전체 메모리 %2보다 많습니다</translation>
    </message>
    <message>
        <source>needs %1, %2 more than the %3 free</source>
        <translation>%1이(가) 필요하며, 이는 여유 메모리 %3보다 %2 많습니다</translation>
    </message>
    <message>
        <source>Does not fit, because it %1</source>
        <translation>부족함: %1</translation>
    </message>
</context>
<context>
    <name>quanta::ui::EvaluationChart</name>
    <message>
        <source>No measurements yet — quantize a model in the Quantize view with &apos;Measure quality&apos; ticked.</source>
        <translation>아직 측정 결과가 없습니다 — 양자화 탭에서 &apos;품질 측정&apos;을 선택하고 모델을 양자화하세요.</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1을(를) 저장할 수 없습니다: %2</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>PNG로 내보내기…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV로 내보내기…</translation>
    </message>
    <message>
        <source>Export PNG</source>
        <translation>PNG로 내보내기</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 이미지 (*.png)</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV로 내보내기</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
</context>
<context>
    <name>quanta::ui::KldChart</name>
    <message>
        <source>No KL-divergence measured for these files — it needs the source model as a reference.</source>
        <translation>이 파일들에는 측정된 KL 발산이 없습니다 — KL 발산을 측정하려면 원본 모델이 기준으로 필요합니다.</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>평균</translation>
    </message>
    <message>
        <source>Quantization (bits per weight, descending)</source>
        <translation>양자화 (가중치당 비트, 내림차순)</translation>
    </message>
    <message>
        <source>KL-divergence from the reference on &quot;%1&quot; (nats)</source>
        <translation>&quot;%1&quot;에서 기준 대비 KL 발산 (nats)</translation>
    </message>
    <message>
        <source>%1: KLD mean %2 ± %3, median %4, p10–p90 %5–%6, p99 %7
Same top token: %8%</source>
        <translation>%1: KLD 평균 %2 ± %3, 중앙값 %4, p10–p90 %5–%6, p99 %7
top-1 일치율: %8%</translation>
    </message>
</context>
<context>
    <name>quanta::ui::MessageWidget</name>
    <message>
        <source>System prompt</source>
        <translation>시스템 프롬프트</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Copy the message text</source>
        <translation>메시지 텍스트 복사</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>편집</translation>
    </message>
    <message>
        <source>Edit this message and send it again</source>
        <translation>이 메시지를 편집하여 다시 보내기</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>다시 생성</translation>
    </message>
    <message>
        <source>Generate this reply again</source>
        <translation>이 응답을 다시 생성</translation>
    </message>
    <message>
        <source>%1 tokens/s · first token %2 ms</source>
        <translation>%1 토큰/초 · 첫 토큰 %2ms</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>%1 토큰/초</translation>
    </message>
    <message>
        <source>first token %1 ms</source>
        <translation>첫 토큰 %1ms</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>중지됨</translation>
    </message>
</context>
<context>
    <name>quanta::ui::ModelBar</name>
    <message>
        <source>%1 free</source>
        <translation>%1 여유</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 — %2 (%3)</source>
        <translation>%1 — %2 (%3)</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>모델(&amp;M):</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>수준(&amp;L):</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>장치(&amp;D):</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>모델 열기…</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Quantize to %1…</source>
        <translation>%1(으)로 양자화…</translation>
    </message>
    <message>
        <source>Choose a model…</source>
        <translation>모델 선택…</translation>
    </message>
</context>
<context>
    <name>quanta::ui::ParetoChart</name>
    <message>
        <source>Pareto front</source>
        <translation>파레토 경계</translation>
    </message>
    <message>
        <source>Bits per weight (smaller file →)</source>
        <translation>가중치당 비트 (작은 파일 →)</translation>
    </message>
    <message>
        <source>Perplexity on &quot;%1&quot; (lower is better)</source>
        <translation>&quot;%1&quot;에 대한 퍼플렉서티 (낮을수록 좋음)</translation>
    </message>
    <message>
        <source>%1: %2 bits/weight, PPL %3 ± %4</source>
        <translation>%1: 가중치당 %2비트, PPL %3 ± %4</translation>
    </message>
    <message>
        <source>On the Pareto front</source>
        <translation>파레토 경계 위</translation>
    </message>
</context>
<context>
    <name>quanta::ui::PerplexityChart</name>
    <message>
        <source>Quantization (bits per weight, descending)</source>
        <translation>양자화 (가중치당 비트, 내림차순)</translation>
    </message>
    <message>
        <source>Perplexity on &quot;%1&quot; (lower is better)</source>
        <translation>&quot;%1&quot;에 대한 퍼플렉서티 (낮을수록 좋음)</translation>
    </message>
    <message>
        <source>%1: PPL %2 ± %3 (%4 bits/weight)</source>
        <translation>%1: PPL %2 ± %3 (가중치당 %4비트)</translation>
    </message>
</context>
<context>
    <name>quanta::ui::QuantizeDialog</name>
    <message>
        <source>Quantize %1</source>
        <translation>%1 양자화</translation>
    </message>
    <message>
        <source>Choose the types to make from %1:</source>
        <translation>%1에서 만들 유형을 선택하세요:</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>유형</translation>
    </message>
    <message>
        <source>File size</source>
        <translation>파일 크기</translation>
    </message>
    <message>
        <source>Bits/weight</source>
        <translation>가중치당 비트</translation>
    </message>
    <message>
        <source>Memory at %1 tokens</source>
        <translation>%1토큰 기준 메모리</translation>
    </message>
    <message>
        <source>Fits on %1</source>
        <translation>%1에 적재 가능</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>출력 폴더:</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>출력 폴더</translation>
    </message>
    <message>
        <source>Measure quality after quantizing (perplexity and KL-divergence on the evaluation text)</source>
        <translation>양자화 후 품질 측정 (평가 텍스트에 대한 퍼플렉서티 및 KL 발산)</translation>
    </message>
    <message>
        <source>Quantize</source>
        <translation>양자화</translation>
    </message>
    <message>
        <source>✓ fits</source>
        <translation>✓ 가능</translation>
    </message>
    <message>
        <source>✗ does not fit</source>
        <translation>✗ 불가능</translation>
    </message>
</context>
<context>
    <name>quanta::ui::QueueView</name>
    <message>
        <source>quantizing</source>
        <translation>양자화 중</translation>
    </message>
    <message>
        <source>%1 · %2 of %3 · about %4 s left</source>
        <translation>%1 · %3 중 %2 · 약 %4초 남음</translation>
    </message>
    <message>
        <source>measuring quality</source>
        <translation>품질 측정 중</translation>
    </message>
    <message>
        <source>done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>PPL %1 ± %2 (source %3)</source>
        <translation>PPL %1 ± %2 (원본 %3)</translation>
    </message>
    <message>
        <source>PPL %1 ± %2 (source %3) · mean KLD %4 · top-1 %5%</source>
        <translation>PPL %1 ± %2 (원본 %3) · 평균 KLD %4 · top-1 %5%</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>Cancelled; no file was written.</source>
        <translation>취소되었습니다. 파일은 기록되지 않았습니다.</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Chat with it</source>
        <translation>이 모델과 대화</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>대기 중</translation>
    </message>
</context>
<context>
    <name>quanta::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>샘플링</translation>
    </message>
    <message>
        <source>&amp;Temperature:</source>
        <translation>온도(&amp;T):</translation>
    </message>
    <message>
        <source>How adventurous replies are: 0 always takes the most likely word; higher values give more varied, less predictable text.</source>
        <translation>응답이 얼마나 과감한지를 정합니다. 0이면 항상 가장 가능성이 높은 단어를 고르고, 값이 높을수록 더 다양하고 예측하기 어려운 텍스트가 나옵니다.</translation>
    </message>
    <message>
        <source>Top-&amp;p:</source>
        <translation>Top-p(&amp;P):</translation>
    </message>
    <message>
        <source>Only the most likely words whose probabilities add up to p are considered; lower values keep replies focused.</source>
        <translation>확률의 합이 p가 될 때까지 가장 가능성이 높은 단어만 고려합니다. 값이 낮을수록 응답이 집중됩니다.</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>끔</translation>
    </message>
    <message>
        <source>Top-&amp;k:</source>
        <translation>Top-k(&amp;K):</translation>
    </message>
    <message>
        <source>Only the k most likely words are considered; 0 turns this off.</source>
        <translation>가장 가능성이 높은 단어 k개만 고려합니다. 0이면 사용하지 않습니다.</translation>
    </message>
    <message>
        <source>&amp;Min-p:</source>
        <translation>Min-p(&amp;M):</translation>
    </message>
    <message>
        <source>Words less likely than this share of the most likely word are left out; 0 turns this off.</source>
        <translation>가장 가능성이 높은 단어의 확률에 이 비율을 곱한 값보다 확률이 낮은 단어는 제외합니다. 0이면 사용하지 않습니다.</translation>
    </message>
    <message>
        <source>&amp;Repeat penalty:</source>
        <translation>반복 페널티(&amp;R):</translation>
    </message>
    <message>
        <source>Values above 1 make words that were just used less likely; 1 turns this off.</source>
        <translation>1보다 크면 방금 사용한 단어가 덜 나오게 됩니다. 1이면 사용하지 않습니다.</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>무작위</translation>
    </message>
    <message>
        <source>&amp;Seed:</source>
        <translation>시드(&amp;S):</translation>
    </message>
    <message>
        <source>The same seed gives the same reply to the same conversation; 0 picks a new one for every reply.</source>
        <translation>같은 시드를 쓰면 같은 대화에 같은 응답이 나옵니다. 0이면 응답마다 새 시드를 고릅니다.</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 토큰</translation>
    </message>
    <message>
        <source>&amp;Context length:</source>
        <translation>컨텍스트 길이(&amp;C):</translation>
    </message>
    <message>
        <source>How much of the conversation the model sees at once. Longer contexts need more memory.</source>
        <translation>모델이 한 번에 볼 수 있는 대화의 양입니다. 컨텍스트가 길수록 메모리가 더 필요합니다.</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>모든 코어</translation>
    </message>
    <message>
        <source>&amp;Threads:</source>
        <translation>스레드(&amp;T):</translation>
    </message>
    <message>
        <source>The default (models/)</source>
        <translation>기본값 (models/)</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>찾아보기(&amp;B)…</translation>
    </message>
    <message>
        <source>Models &amp;folder:</source>
        <translation>모델 폴더(&amp;F):</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>대화</translation>
    </message>
    <message>
        <source>None</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>S&amp;ystem prompt:</source>
        <translation>시스템 프롬프트(&amp;Y):</translation>
    </message>
    <message>
        <source>Buffer (every message)</source>
        <translation>버퍼 (모든 메시지)</translation>
    </message>
    <message>
        <source>Window (last k exchanges)</source>
        <translation>윈도우 (최근 k턴)</translation>
    </message>
    <message>
        <source>Token buffer (last N tokens)</source>
        <translation>토큰 버퍼 (최근 N토큰)</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>요약</translation>
    </message>
    <message>
        <source>Summary + buffer (N tokens)</source>
        <translation>요약 + 버퍼 (N토큰)</translation>
    </message>
    <message>
        <source>&amp;Memory:</source>
        <translation>메모리(&amp;M):</translation>
    </message>
    <message>
        <source>Memory &amp;size:</source>
        <translation>메모리 크기(&amp;S):</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>모양</translation>
    </message>
    <message>
        <source>System</source>
        <translation>시스템</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>언어(&amp;L):</translation>
    </message>
    <message>
        <source>A new language applies after Quanta is restarted.</source>
        <translation>새 언어는 Quanta를 다시 시작한 후에 적용됩니다.</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>T&amp;heme:</source>
        <translation>테마(&amp;H):</translation>
    </message>
    <message>
        <source> exchanges</source>
        <translation> 턴</translation>
    </message>
    <message>
        <source>The model sees every message of the conversation until the context is full.</source>
        <translation>컨텍스트가 가득 찰 때까지 모델이 대화의 모든 메시지를 봅니다.</translation>
    </message>
    <message>
        <source>The model sees the newest message and the k exchanges before it; older ones are dropped.</source>
        <translation>모델이 최신 메시지와 그 앞의 k턴을 봅니다. 그보다 오래된 메시지는 제외됩니다.</translation>
    </message>
    <message>
        <source>The model sees the newest messages that fit in N tokens; older ones are dropped.</source>
        <translation>모델이 N토큰 안에 들어가는 최신 메시지를 봅니다. 그보다 오래된 메시지는 제외됩니다.</translation>
    </message>
    <message>
        <source>Older messages are replaced by a running summary that the model writes itself.</source>
        <translation>오래된 메시지는 모델이 직접 작성하고 계속 갱신하는 요약으로 대체됩니다.</translation>
    </message>
    <message>
        <source>The newest messages that fit in N tokens, plus a running summary of the older ones.</source>
        <translation>N토큰 안에 들어가는 최신 메시지와 함께, 오래된 메시지는 계속 갱신되는 요약으로 제공합니다.</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>모델 폴더</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>제한 없음</translation>
    </message>
    <message>
        <source>Longest &amp;reply:</source>
        <translation>최대 응답 길이(&amp;R):</translation>
    </message>
    <message>
        <source>A reply stops after this many tokens; with no limit it ends when the model stops or the context is full.</source>
        <translation>응답은 이 토큰 수에서 멈춥니다. 제한이 없으면 모델이 멈추거나 컨텍스트가 가득 찰 때 끝납니다.</translation>
    </message>
</context>
<context>
    <name>quanta::ui::StudioView</name>
    <message>
        <source>Drop a GGUF model here to quantize it</source>
        <translation>양자화할 GGUF 모델을 여기에 끌어다 놓으세요</translation>
    </message>
    <message>
        <source>Choose model…</source>
        <translation>모델 선택…</translation>
    </message>
    <message>
        <source>%1 cannot be quantized: %2</source>
        <translation>%1을(를) 양자화할 수 없습니다: %2</translation>
    </message>
    <message>
        <source>it is not a GGUF model file.</source>
        <translation>GGUF 모델 파일이 아닙니다.</translation>
    </message>
    <message>
        <source>the file does not exist.</source>
        <translation>파일이 없습니다.</translation>
    </message>
    <message>
        <source>the file is damaged or incomplete (%1).</source>
        <translation>파일이 손상되었거나 불완전합니다 (%1).</translation>
    </message>
    <message>
        <source>Quanta cannot run this model (%1).</source>
        <translation>Quanta에서 이 모델을 실행할 수 없습니다 (%1).</translation>
    </message>
    <message>
        <source>Choose a model to quantize</source>
        <translation>양자화할 모델 선택</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 모델 (*.gguf);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Using %1, converted before.</source>
        <translation>이전에 변환한 %1을(를) 사용합니다.</translation>
    </message>
    <message>
        <source>Converting %1 from the Hugging Face format…</source>
        <translation>%1을(를) Hugging Face 형식에서 변환하는 중…</translation>
    </message>
    <message>
        <source>Converting %1 from the Hugging Face format… %2%</source>
        <translation>%1을(를) Hugging Face 형식에서 변환하는 중… %2%</translation>
    </message>
    <message>
        <source>%1 cannot be converted: %2</source>
        <translation>%1을(를) 변환할 수 없습니다: %2</translation>
    </message>
</context>
</TS>
