# The two commands of the README. Each installs what is missing first.
#   make demo   build, then run the example
#   make test   build, then run every test suite under ctest
# Also: make build, make bench, make fuzz SEEDS=1-500, make clean.

BUILD ?= build
JOBS  ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps configure build test demo bench fuzz clean

all: build

deps:
	@./scripts/setup-deps.sh

configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then \
	  cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS); \
	fi

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest -j $(JOBS) --output-on-failure

demo: build
	@echo "== asyncc --list: the ASYNC functions in examples/seed_example/seed_example.cpp"
	@./$(BUILD)/bin/asyncc --list examples/seed_example/seed_example.cpp -- -Iruntime/include
	@echo
	@echo "== asyncc transformed it into a state machine: $(BUILD)/examples/seed_example_transformed.asyncc/seed_example/seed_example.cpp"
	@sed -n '/^struct example_future/,/^  };/p' $(BUILD)/examples/seed_example_transformed.asyncc/seed_example/seed_example.cpp
	@echo "  ..."
	@echo
	@echo "== asyncc --dump=states: its states, what each keeps alive, the sizes"
	@./$(BUILD)/bin/asyncc --dump=states examples/seed_example/seed_example.cpp -- -Iruntime/include
	@echo
	@echo "== seed_example, transformed (C++17): reads foo.txt, and bar.txt because foo.txt is short"
	@./$(BUILD)/examples/seed_example_transformed examples/seed_example
	@echo
	@echo "== seed_example, native C++20 coroutines: the same output"
	@./$(BUILD)/examples/seed_example examples/seed_example
	@echo
	@echo "== futures_explained: two timer events awaited by two concurrent tasks"
	@./$(BUILD)/examples/futures_explained

bench: build
	@cmake --build $(BUILD) --target bench

# Differential fuzzing of the transformer over many seeds: make fuzz SEEDS=1-500
SEEDS ?= 1-200
fuzz: build
	@SEEDS=$(SEEDS) cmake --build $(BUILD) --target fuzz

clean:
	rm -rf $(BUILD)
