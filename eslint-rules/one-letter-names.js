// No one-letter names outside tiny lambdas: a variable, a function's parameter or a function's name has at least two
// letters, except the parameters of an arrow function whose body is a single expression (`(a, b) => a - b`), `_`,
// and a `for` loop's counter.
const isShort = (name) => name.length < 2 && name !== "_";

function checkPattern(context, node) {
  if (!node) return;
  if (node.type === "Identifier" && isShort(node.name)) {
    context.report({ node, message: `"${node.name}" is a one-letter name: say what it is` });
  } else if (node.type === "AssignmentPattern") checkPattern(context, node.left);
  else if (node.type === "RestElement") checkPattern(context, node.argument);
  else if (node.type === "ArrayPattern") node.elements.forEach((element) => checkPattern(context, element));
  else if (node.type === "ObjectPattern")
    node.properties.forEach((prop) => checkPattern(context, prop.type === "RestElement" ? prop : prop.value));
}

const tinyLambda = (fn) => fn.type === "ArrowFunctionExpression" && fn.body.type !== "BlockStatement";

export default {
  meta: { type: "suggestion", schema: [] },
  create(context) {
    const checkFunction = (fn) => {
      if (fn.id) checkPattern(context, fn.id);
      if (!tinyLambda(fn)) fn.params.forEach((param) => checkPattern(context, param));
    };
    return {
      // A loop counter (`for (let i = 0; …)`) is the one conventional exception.
      VariableDeclarator: (node) => node.parent.parent?.type !== "ForStatement" && checkPattern(context, node.id),
      FunctionDeclaration: checkFunction,
      FunctionExpression: checkFunction,
      ArrowFunctionExpression: checkFunction,
      CatchClause: (node) => checkPattern(context, node.param),
    };
  },
};
