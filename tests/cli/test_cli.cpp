// SPDX-License-Identifier: MIT
// quanta-cli run as a child process: reports on the default model and a tiny hand-built one,
// exit codes, and the one-line error contract on corrupt, missing and non-GGUF files.
#include "quanta/gguf.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#ifdef QUANTA_HAVE_JSON
#include <nlohmann/json.hpp>
#endif

extern char** environ;

namespace fs = std::filesystem;

namespace {

struct CliRun {
    int status = -1; ///< raw waitpid status
    std::string out;
    std::string err;
    bool exited() const { return WIFEXITED(status); }
    int code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
    std::vector<std::string> err_lines() const {
        std::vector<std::string> lines;
        std::istringstream in(err);
        for (std::string l; std::getline(in, l);)
            lines.push_back(l);
        return lines;
    }
};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Cli : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("quanta_test_cli_" + std::to_string(getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    // Runs quanta-cli with stdout and stderr captured in files (no pipe deadlock on big reports).
    CliRun run(std::vector<std::string> args) {
        args.insert(args.begin(), QUANTA_CLI);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        fs::path out = m_dir / "stdout", err = m_dir / "stderr";
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        CliRun r;
        pid_t pid = 0;
        int rc = posix_spawn(&pid, QUANTA_CLI, &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        EXPECT_EQ(rc, 0) << "cannot start " << QUANTA_CLI;
        if (rc != 0)
            return r;
        waitpid(pid, &r.status, 0);
        r.out = slurp(out);
        r.err = slurp(err);
        return r;
    }

    // A tiny llama-like model with an NF4 multi-part weight.
    fs::path write_tiny_model() {
        using namespace quanta;
        GgufWriter w;
        w.set("general.architecture", GgufValue::string("llama"));
        w.set("llama.block_count", GgufValue::u32(2));
        w.set("llama.embedding_length", GgufValue::u32(64));
        w.set("tokenizer.ggml.model", GgufValue::string("llama"));
        w.set("tokenizer.ggml.tokens", GgufValue::string_array({"<unk>", "<s>", "</s>", "a"}));
        struct T {
            const char* name;
            uint32_t type;
            std::vector<int64_t> ne;
            size_t bytes;
        };
        const std::vector<T> tensors{
            {"token_embd.weight", 0, {64, 4}, 64 * 4 * 4},
            {"blk.0.attn_q.weight.nf4_codes", 24, {32, 64}, 32 * 64},
            {"blk.0.attn_q.weight.nf4_absmax", 24, {64}, 64},
            {"blk.0.attn_q.weight.nf4_nested_absmax", 0, {1}, 4},
            {"blk.0.attn_q.weight.nf4_nested_offset", 0, {1}, 4},
            {"blk.0.attn_q.weight.nf4_nested_map", 0, {256}, 1024},
        };
        std::vector<std::vector<uint8_t>> data;
        for (const T& t : tensors) {
            auto added = w.add_tensor(t.name, t.type, t.ne);
            EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error().message);
            data.emplace_back(t.bytes, uint8_t{0x11});
        }
        std::vector<std::span<const uint8_t>> spans(data.begin(), data.end());
        fs::path path = m_dir / "tiny.gguf";
        auto written = w.write_file(path, spans);
        EXPECT_TRUE(written.ok()) << (written.ok() ? "" : written.error().message);
        return path;
    }

    // The one-line error contract: exit code 1 (not a signal), nothing on stdout, and exactly one
    // stderr line "quanta-cli: <path>: <message>".
    void expect_one_line_error(const CliRun& r, const std::string& path) {
        ASSERT_TRUE(r.exited()) << path << ": killed by signal " << WTERMSIG(r.status);
        EXPECT_EQ(r.code(), 1) << path;
        EXPECT_EQ(r.out, "") << path;
        auto lines = r.err_lines();
        ASSERT_EQ(lines.size(), 1u) << path << ": stderr was:\n" << r.err;
        EXPECT_EQ(lines[0].rfind("quanta-cli: " + path + ": ", 0), 0u) << lines[0];
        EXPECT_GT(lines[0].size(), ("quanta-cli: " + path + ": ").size()) << "empty message";
        EXPECT_EQ(lines[0].find(path + ": " + path), std::string::npos) << "path said twice: " << lines[0];
        EXPECT_EQ(r.err.back(), '\n');
    }

    fs::path m_dir;
};

bool has_line(const std::string& text, const std::string& pattern) {
    return std::regex_search(text, std::regex(pattern, std::regex::multiline));
}

} // namespace

TEST_F(Cli, VersionAndHelp) {
    CliRun v = run({"--version"});
    EXPECT_EQ(v.code(), 0);
    EXPECT_EQ(v.out, std::string("quanta-cli ") + QUANTA_VERSION + "\n");
    EXPECT_EQ(v.out, "quanta-cli 0.1.0\n");

    CliRun h = run({"--help"});
    EXPECT_EQ(h.code(), 0);
    EXPECT_TRUE(has_line(h.out, "^  inspect +Show")) << h.out;

    CliRun ih = run({"inspect", "--help"});
    EXPECT_EQ(ih.code(), 0);
    EXPECT_TRUE(has_line(ih.out, "^Usage: quanta-cli inspect \\[options\\] MODEL\\.gguf$")) << ih.out;
    EXPECT_TRUE(has_line(ih.out, "^  --json ")) << ih.out;
}

TEST_F(Cli, UsageErrorsExitTwo) {
    const std::vector<std::vector<std::string>> cases{
        {},                                  // no command
        {"frobnicate"},                      // unknown command
        {"--frobnicate"},                    // unknown global option
        {"inspect"},                         // missing MODEL.gguf
        {"inspect", "a.gguf", "b.gguf"},     // too many files
        {"inspect", "--bogus", "a.gguf"},    // unknown option
        {"inspect", "--json=yes", "a.gguf"}, // a flag given a value
    };
    for (const auto& args : cases) {
        CliRun r = run(args);
        std::string joined;
        for (const auto& a : args)
            joined += a + " ";
        ASSERT_TRUE(r.exited()) << joined;
        EXPECT_EQ(r.code(), 2) << joined;
        auto lines = r.err_lines();
        ASSERT_EQ(lines.size(), 1u) << joined << "\n" << r.err;
        EXPECT_EQ(lines[0].rfind("quanta-cli: ", 0), 0u) << lines[0];
    }
    EXPECT_TRUE(has_line(run({"inspect", "--bogus", "a.gguf"}).err, "unknown option '--bogus'"));
}

TEST_F(Cli, MissingFile) {
    std::string path = (m_dir / "no-such-model.gguf").string();
    expect_one_line_error(run({"inspect", path}), path);
}

TEST_F(Cli, NotAGgufFile) {
    fs::path path = m_dir / "notes.txt";
    std::ofstream(path) << "These are notes, not a model.\nSecond line.\n";
    expect_one_line_error(run({"inspect", path.string()}), path.string());
}

TEST_F(Cli, DirectoryIsAnError) {
    expect_one_line_error(run({"inspect", m_dir.string()}), m_dir.string());
}

TEST_F(Cli, EveryCorruptFileFailsWithOneLine) {
    fs::path dir = fs::path(QUANTA_TEST_DATA_DIR) / "gguf" / "corrupt";
    if (!fs::is_directory(dir))
        GTEST_SKIP() << dir << " does not exist yet";
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".gguf")
            continue;
        ++count;
        std::string path = entry.path().string();
        expect_one_line_error(run({"inspect", path}), path);
        expect_one_line_error(run({"inspect", "--json", path}), path);
    }
    EXPECT_GT(count, 0) << "no corrupt files in " << dir;
}

TEST_F(Cli, TinyModelText) {
    fs::path path = write_tiny_model();
    CliRun r = run({"inspect", path.string()});
    ASSERT_EQ(r.code(), 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_TRUE(has_line(r.out, "^  Architecture +llama$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^  Block count +2$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^  Context length +-$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^  Kind +SentencePiece \\(llama\\)$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^  Vocabulary +4 tokens$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^  Chat template +absent$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^Tensors \\(6 in the file, 2 weights\\)$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^  blk\\.0\\.attn_q\\.weight +NF4 +64 x 64 +3144$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^  token_embd\\.weight +F32 +64 x 4 +1024$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^  Parameters +4352 \\(4.35 K\\)$")) << r.out;
    // (1024 + 3144) * 8 / 4352
    EXPECT_TRUE(has_line(r.out, "^  overall +2 +4352 +4168 +7\\.6618$")) << r.out;
}

#ifdef QUANTA_HAVE_JSON
TEST_F(Cli, TinyModelJson) {
    fs::path path = write_tiny_model();
    CliRun r = run({"inspect", "--json", path.string()});
    ASSERT_EQ(r.code(), 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["architecture"], "llama");
    EXPECT_EQ(j["hyperparameters"]["block_count"], 2);
    EXPECT_TRUE(j["hyperparameters"]["context_length"].is_null());
    EXPECT_EQ(j["gguf_tensor_count"], 6);
    EXPECT_EQ(j["tensor_count"], 2);
    EXPECT_EQ(j["tensors"][1]["name"], "blk.0.attn_q.weight");
    EXPECT_EQ(j["tensors"][1]["format"], "NF4");
    EXPECT_EQ(j["tensors"][1]["shape"], nlohmann::json::array({64, 64}));
    EXPECT_EQ(j["tensors"][1]["bytes"], 3144);
    EXPECT_EQ(j["tensors"][1]["parts"], 5);
    EXPECT_EQ(j["total_parameters"], 4352);
    EXPECT_EQ(j["tokenizer"]["chat_template"], false);
    EXPECT_DOUBLE_EQ(j["bits_per_weight"].get<double>(), 8.0 * 4168 / 4352);
}
#endif

TEST_F(Cli, DefaultModelText) {
    if (!fs::exists(QUANTA_DEFAULT_MODEL))
        GTEST_SKIP() << QUANTA_DEFAULT_MODEL << " is absent (scripts/fetch-model.sh fetches it)";
    CliRun r = run({"inspect", QUANTA_DEFAULT_MODEL});
    ASSERT_EQ(r.code(), 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_TRUE(has_line(r.out, "^  Architecture +llama$")) << r.out;
    EXPECT_TRUE(has_line(r.out, "^  Block count +30$"));
    EXPECT_TRUE(has_line(r.out, "^  Embedding length +576$"));
    EXPECT_TRUE(has_line(r.out, "^  Vocabulary +49152 tokens$"));
    EXPECT_TRUE(has_line(r.out, "^  Kind +byte-level BPE \\(gpt2\\)$"));
    EXPECT_TRUE(has_line(r.out, "^  Chat template +present$"));
    EXPECT_TRUE(has_line(r.out, "^Tensors \\(272 in the file\\)$"));
    EXPECT_TRUE(has_line(r.out, "^  token_embd\\.weight +Q8_0 +576 x 49152 +30081024$"));
    EXPECT_TRUE(has_line(r.out, "^  Parameters +134515008 \\(135 M\\)$"));
    EXPECT_TRUE(has_line(r.out, "^  Q4_1 +210 +106168320 +66355200 +5\\.0000$"));
    EXPECT_TRUE(has_line(r.out, "^  overall +272 +134515008 +96576768 +5\\.7437$"));
}

#ifdef QUANTA_HAVE_JSON
TEST_F(Cli, DefaultModelJson) {
    if (!fs::exists(QUANTA_DEFAULT_MODEL))
        GTEST_SKIP() << QUANTA_DEFAULT_MODEL << " is absent (scripts/fetch-model.sh fetches it)";
    CliRun r = run({"inspect", "--json", QUANTA_DEFAULT_MODEL});
    ASSERT_EQ(r.code(), 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["architecture"], "llama");
    EXPECT_EQ(j["hyperparameters"]["block_count"], 30);
    EXPECT_EQ(j["hyperparameters"]["embedding_length"], 576);
    EXPECT_EQ(j["hyperparameters"]["head_count_kv"], 3);
    EXPECT_EQ(j["gguf_tensor_count"], 272);
    EXPECT_EQ(j["tensors"].size(), 272u);
    EXPECT_EQ(j["tokenizer"]["vocab_size"], 49152);
    EXPECT_EQ(j["tokenizer"]["chat_template"], true);
    EXPECT_EQ(j["total_parameters"], 134515008);
    EXPECT_EQ(j["formats"][0]["format"], "Q4_1");
    EXPECT_DOUBLE_EQ(j["formats"][0]["bits_per_weight"].get<double>(), 5.0);
}
#endif
